// Bugs that can be switched on deliberately, for the simulator's swarm test to prove it finds
// and shrinks a real protocol fault (test/sim-swarm.test.ts). Only the simulator sets this,
// from `skywire sim run|swarm --plant NAME`; nothing on a node's normal path ever does.
export const PLANTABLE_BUGS = ['relay-double-forward'] as const;
export type PlantableBug = (typeof PLANTABLE_BUGS)[number];

export const plantedBugs = new Set<PlantableBug>();
