// The overlay port the files app listens on, shared by the app, the CLI and tests. Ports below
// 16 belong to the system; 21000 is out of the way of the small ports other services pick.
export const FILES_PORT = 21000;
