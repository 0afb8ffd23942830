// Overlay ports of the master-driven services on a node.
export const TERM_PORT = 3;
export const FORWARD_PORT = 4;
/** `skywire logs`: the node's and its apps' log lines, on demand (src/logs/attach-logs.ts). */
export const LOGS_PORT = 5;
/** How long a new stream may take to deliver its command frame. */
export const FIRST_FRAME_TIMEOUT_MS = 10_000;
/** A SignedCommand is small; a bigger first frame is refused before it is buffered. */
export const MAX_COMMAND_BYTES = 16 * 1024;
