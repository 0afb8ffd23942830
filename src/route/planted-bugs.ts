// Bugs that can be switched on deliberately, per node (RouteConfig.planted), so the simulator's
// swarm test can prove it finds and shrinks a real protocol fault (test/sim-swarm.test.ts).
// Only the simulator sets them, from `skywire sim run|swarm --plant NAME`.
export const PLANTABLE_BUGS = Object.freeze(['relay-double-forward'] as const);
export type PlantableBug = (typeof PLANTABLE_BUGS)[number];
