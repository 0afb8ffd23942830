// The version a node reports to its master at registration (and `skywire --version` prints).
export const SKYWIRE_VERSION = '0.1.0';
