// The SMS service on a real node: the lowdb store in HOME/sms.json and the control-socket
// requests the CLI sends. run-node.ts calls this once; the simulator builds SmsService itself
// with an in-memory "disk" (simulator/sim-sms.ts).
import type { Overlay } from '../overlay/overlay.ts';
import type { ControlHandler } from '../env/control-server.ts';
import type { DiskHealth } from '../node/disk-health.ts';
import { SmsService } from './sms-service.ts';
import { openSmsFileStore } from './sms-file-store.ts';
import type { SmsOptions } from './sms-options.ts';

export interface AttachSmsDeps {
  home: string;
  /** The node's book of failing writes: sms.json is written (and retried) through it. */
  disk: DiskHealth;
  log: (message: string) => void;
  options?: Partial<SmsOptions> | undefined;
}
export interface AttachedSms {
  service: SmsService;
  /** Control requests by name: "sms-send" {to, text}, "sms-status". */
  handlers: ReadonlyMap<string, ControlHandler>;
  status(): Record<string, unknown>;
  /** Stops forwarding; sms.json gets its last write when the node closes its DiskHealth. */
  stop(): void;
}

export const attachSms = async (overlay: Overlay, deps: AttachSmsDeps): Promise<AttachedSms> => {
  const store = await openSmsFileStore(deps.home, deps.disk, deps.log);
  const service = new SmsService({
    layer: overlay.node, topology: overlay.topology, store, options: deps.options,
    onDelivered: (e) => deps.log(`sms ${e.id} from ${e.from} delivered to the inbox`),
    onReceipt: (e) => deps.log(`sms ${e.id} to ${e.to} confirmed delivered`),
  });
  const handlers = new Map<string, ControlHandler>([
    ['sms-send', (req) => service.send(String(req.to), String(req.text))],
    ['sms-status', () => service.status()],
  ]);
  return { service, handlers, status: () => service.status(), stop: () => service.stop() };
};
