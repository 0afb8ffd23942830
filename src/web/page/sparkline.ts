// A line of values (0-100, null for a gap) on a canvas: the metrics history of a node page.
export const sparkline = (c: HTMLCanvasElement, values: (number | null)[]): void => {
  const g = c.getContext('2d');
  if (!g) return;
  const { width: w, height: hgt } = c;
  g.clearRect(0, 0, w, hgt);
  g.strokeStyle = '#d0d7de';
  g.strokeRect(0.5, 0.5, w - 1, hgt - 1);
  if (values.length < 2) return;
  const step = w / Math.max(values.length - 1, 1);
  g.strokeStyle = '#0969da';
  g.lineWidth = 1.5;
  g.beginPath();
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) { pen = false; return; }
    const x = i * step;
    const y = hgt - 2 - (Math.min(Math.max(v, 0), 100) / 100) * (hgt - 4);
    if (pen) g.lineTo(x, y); else g.moveTo(x, y);
    pen = true;
  });
  g.stroke();
};
