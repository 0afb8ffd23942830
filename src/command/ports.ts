// Well-known overlay stream ports of the personal-cloud protocol (docs/PROTOCOL.md, "Master
// commands"). Ports below 16 are reserved for the system; applications use higher ones.
/** On the master: nodes register here and keep the stream open for heartbeats. */
export const REGISTER_PORT = 1;
/** On every node: one SignedCommand in, one JSON result out, per stream. */
export const COMMAND_PORT = 2;
/** Domain labels in front of the canonical JSON that is signed. */
export const COMMAND_DOMAIN = 'skywire-command-v1';
export const REGISTER_DOMAIN = 'skywire-register-v1';
/** Default acceptance window for issuedAtMs around the node's wall clock. */
export const COMMAND_WINDOW_MS = 5 * 60_000;
