// Injected (inline, before </body>) into a copy of a report.html by report_layout_in_chromium.sh:
// after load it measures every chart as laid out and writes the figures on <body> as
// data-probe-* attributes, which `chromium --dump-dom` then shows. Inline, so it fetches nothing.
//   svgs / svgs-empty / svgs-outside: charts, charts with an empty box, charts ending right of the window
//   scroll-width: the page's width (sideways scrolling when above the window's)
//   clipped: texts not drawn whole inside their chart (cut headers, legends, labels), as "chart: text"
//   overlaps: pairs of texts of one chart drawn over each other
//   truncated: texts shortened with an ellipsis
//   min-font / min-font-text: the smallest text as drawn (CSS size times the chart's scale)
// A text's box as drawn: the four corners of its own bounding box through its transform (slanted
// headers are rotated, so their screen-aligned boxes would overlap their neighbours' falsely).
const quad = (t) => {
  const b = t.getBBox(), m = t.getScreenCTM();
  return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]].map(
      ([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
};
// Two convex quadrilaterals overlap (by more than 1 px) unless one of their edges' normals separates
// them (separating axis theorem).
const quadsOverlap = (p, q) => {
  for (const poly of [p, q])
    for (let i = 0; i < 4; ++i) {
      const [x1, y1] = poly[i], [x2, y2] = poly[(i + 1) % 4];
      const len = Math.hypot(x2 - x1, y2 - y1) || 1, nx = (y1 - y2) / len, ny = (x2 - x1) / len;
      const proj = (r) => r.map(([x, y]) => x * nx + y * ny);
      const a = proj(p), c = proj(q);
      if (Math.max(...a) - 1 <= Math.min(...c) || Math.max(...c) - 1 <= Math.min(...a)) return false;
    }
  return true;
};
addEventListener("load", () => {
  const b = document.body;
  const charts = [...document.querySelectorAll("svg.chart")];
  const inside = (r, box) => r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1 &&
                             r.bottom <= box.bottom + 1;
  const clipped = [], overlaps = [], truncated = [];
  let minFont = Infinity, minFontText = "";
  for (const svg of charts) {
    const box = svg.getBoundingClientRect();
    const scale = svg.viewBox.baseVal && svg.viewBox.baseVal.width ? box.width / svg.viewBox.baseVal.width : 1;
    const texts = [...svg.querySelectorAll("text")].filter((t) => t.textContent.trim() !== "");
    const rects = texts.map((t) => t.getBoundingClientRect());
    const quads = texts.map(quad);
    texts.forEach((t, i) => {
      const what = `${svg.id}: ${t.textContent}`;
      if (!inside(rects[i], box)) clipped.push(what);
      if (t.textContent.includes("\u2026")) truncated.push(what);
      const drawn = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (drawn < minFont) minFont = drawn, minFontText = what;
    });
    for (let i = 0; i < rects.length; ++i)
      for (let j = i + 1; j < rects.length; ++j) {
        if (quadsOverlap(quads[i], quads[j]))
          overlaps.push(`${svg.id}: '${texts[i].textContent}' / '${texts[j].textContent}'`);
      }
  }
  b.dataset.probeSvgs = charts.length;
  b.dataset.probeSvgsEmpty = charts.filter((s) => { const r = s.getBoundingClientRect(); return !(r.width > 0 && r.height > 0); }).length;
  b.dataset.probeSvgsOutside = charts.filter((s) => s.getBoundingClientRect().right > innerWidth + 0.5).length;
  b.dataset.probeScrollWidth = document.scrollingElement.scrollWidth;
  b.dataset.probeWindowWidth = innerWidth;
  b.dataset.probeResources = performance.getEntriesByType("resource").length;
  b.dataset.probeClipped = JSON.stringify(clipped);
  b.dataset.probeOverlaps = JSON.stringify(overlaps);
  b.dataset.probeTruncated = JSON.stringify(truncated);
  b.dataset.probeMinFont = minFont.toFixed(2);
  b.dataset.probeMinFontText = minFontText;
  b.dataset.probeHeatmapColumns = document.querySelectorAll("#chart-heatmap text.column-header").length;
  b.dataset.probeDone = "yes";
});
