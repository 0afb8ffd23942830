// Specification constants of the stream layer (docs/PROTOCOL.md, "Streams and datagrams"):
// changing any of these changes what two endpoints of a conversation must agree on.
export const StreamKind = {
  Segment: 0x01,
  Datagram: 0x02,
} as const;

export const Flag = {
  SYN: 0x01,
  ACK: 0x02,
  FIN: 0x04,
  RST: 0x08,
} as const;

/** Bits a sender may set; any other bit makes the segment malformed. */
export const FLAG_MASK = 0x0f;

/** kind 1 + stream id 4 + flags 1 + seq 6 + ack 6 + window 4 + ts 4 + echo 4. */
export const SEGMENT_HEADER_BYTES = 30;
/** A SYN (and SYN|ACK) carries the destination port after the header, and no data. */
export const SYN_PORT_BYTES = 2;
/** kind 1 + source port 2 + destination port 2. */
export const DATAGRAM_HEADER_BYTES = 5;

/** Sequence numbers are 48-bit offsets that start at 0 and never wrap. */
export const SEQ_LIMIT = 2 ** 48;
/** Stream ids whose top bit is set were opened by the conversation's initiator. */
export const INITIATOR_BIT = 0x8000_0000;

export const U32 = 0x1_0000_0000;
/** The smallest mtu that still leaves one data byte beside a SYN's header. */
export const MIN_MTU = SEGMENT_HEADER_BYTES + SYN_PORT_BYTES + 1;
