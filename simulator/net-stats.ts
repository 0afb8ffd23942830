// What the simulated network counts. Drops are by reason so a summary can tell a lossy link
// from a partition or a crashed receiver.
export type DropReason = 'loss' | 'cut' | 'partition' | 'queue-full' | 'no-link' | 'detached' | 'too-big';

export interface NetStats {
  /** Calls to send() on any carrier. */
  sent: number;
  /** Datagrams handed to a receiver, duplicates included. */
  delivered: number;
  duplicated: number;
  dropped: Record<string, number>;
}

export const newNetStats = (): NetStats => ({ sent: 0, delivered: 0, duplicated: 0, dropped: {} });
