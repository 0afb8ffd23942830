// cytoscape-fcose ships no types: it is a cytoscape extension (a function given to cytoscape.use).
declare module 'cytoscape-fcose' {
  const fcose: (cy: unknown) => void;
  export default fcose;
}
