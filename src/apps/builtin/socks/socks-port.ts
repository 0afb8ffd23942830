// The overlay port of the SOCKS5 exit app, shared by the app and the `skywire socks` client.
/** The same number as TCP SOCKS, so "port 1080 on the exit" reads as what it is. */
export const SOCKS_PORT = 1080;
