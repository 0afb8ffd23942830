// One error class with string codes, so callers (CLI, tests, control socket) branch on
// `err.code` and never on message text. Messages say what is wrong and how to fix it.
export type ErrorCode =
  | 'KEY_FILE_CORRUPT'
  | 'KEY_FILE_UNREADABLE'
  | 'KEY_FILE_EXISTS'
  | 'KEY_FILE_MISSING'
  | 'CONFIG_INVALID'
  | 'CONFIG_UNREADABLE'
  | 'SCENARIO_INVALID'
  | 'SCENARIO_UNREADABLE'
  | 'BAD_ADDRESS'
  | 'BAD_PEER'
  | 'BAD_LISTEN'
  | 'CONTROL_UNAVAILABLE'
  | 'CONTROL_TIMEOUT'
  | 'NODE_RUNNING'
  | 'TRACE_MISMATCH'
  | 'BAD_REQUEST'
  // First boot, master and fleet commands (src/boot, src/master, src/command).
  | 'BOOT_FILE_MISSING'
  | 'BOOT_FILE_INVALID'
  | 'NOT_MASTER'
  | 'UNKNOWN_NODE'
  | 'COMMAND_REFUSED'
  | 'NAME_TAKEN'
  | 'NOT_ADMITTED'
  | 'CONFIG_VERSION'
  | 'UNKNOWN_TAG'
  // The master's web dashboard (src/web).
  | 'WEB_LOGIN'
  // Stream and route errors, lowercase as applications see them (like errno names).
  | 'unreachable'
  | 'refused'
  | 'timeout'
  | 'reset'
  | 'forbidden'
  // Radio (src/radio, src/env/kiss-serial-carrier.ts).
  | 'BAD_CALLSIGN'
  | 'RADIO_CONFIG'
  | 'SERIAL_NOT_FOUND'
  | 'SERIAL_PERMISSION'
  | 'SERIAL_OPEN'
  // SMS (src/sms, src/cli/cmd-sms.ts).
  | 'SMS_TOO_LONG'
  | 'SMS_BAD_RECIPIENT'
  | 'SMS_UNKNOWN_CONTACT'
  | 'SMS_STORE_CORRUPT'
  // A file the node must write could not be written (full disk, I/O error): src/node/durable-file.ts.
  | 'WRITE_FAILED'
  // Applications (src/apps, machines/app.ts, the built-in apps and their CLIs).
  | 'APP_INVALID'
  | 'APP_NOT_FOUND'
  | 'APP_EXISTS'
  | 'APP_UNHEALTHY'
  | 'APP_DENIED'
  | 'MANIFEST_INVALID'
  | 'SANDBOX_UNAVAILABLE'
  | 'SANDBOX_FAILED'
  | 'BUNDLE_INVALID'
  | 'BUNDLE_MISMATCH'
  | 'DEPLOY_FAILED'
  | 'MOVE_FAILED'
  | 'PATH_ESCAPE'
  | 'QUOTA_EXCEEDED'
  | 'FS_NOT_FOUND'
  | 'FS_EXISTS'
  | 'FS_CHECKSUM'
  | 'FS_BUSY'
  | 'SOCKS_POLICY'
  // The installation itself (a file npm install builds is missing) and the simulation worker.
  | 'INSTALL_BROKEN'
  // The home directory cannot be used by this user, or is not a directory (src/node/home-dir.ts).
  | 'HOME_PERMISSION'
  | 'HOME_INVALID'
  | 'SIM_FAILED'
  | 'INTERNAL';

export class SkywireError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'SkywireError';
  }
}

export const isSkywireError = (e: unknown, code?: ErrorCode): e is SkywireError =>
  e instanceof SkywireError && (code === undefined || e.code === code);

export const fail = (code: ErrorCode, message: string, cause?: unknown): never => {
  throw new SkywireError(code, message, cause === undefined ? undefined : { cause });
};
