// Active network partitions: traffic between a node of one side and a node of the other is
// dropped. Nodes in neither group are unaffected; partitions stack until heal().
export class Partitions {
  private sides: [Set<string>, Set<string>][] = [];

  get count(): number {
    return this.sides.length;
  }

  add(a: readonly string[], b: readonly string[]): void {
    this.sides.push([new Set(a), new Set(b)]);
  }

  clear(): void {
    this.sides = [];
  }

  separates(x: string, y: string): boolean {
    for (const [a, b] of this.sides) {
      if ((a.has(x) && b.has(y)) || (a.has(y) && b.has(x))) return true;
    }
    return false;
  }
}
