// Injected (inline, before </body>) into a copy of a report.html by compare_in_chromium.sh: after
// load it measures the rendered page and writes the figures on <body> as data-probe-* attributes,
// which `chromium --dump-dom` then shows. Inline, so it fetches nothing itself.
addEventListener("load", () => {
  const b = document.body;
  const inside = (r, box) => r.left >= box.left - 0.5 && r.right <= box.right + 0.5 && r.top >= box.top - 0.5 &&
                             r.bottom <= box.bottom + 0.5;
  const svgs = [...document.querySelectorAll("svg")];
  const empty = svgs.filter((s) => { const r = s.getBoundingClientRect(); return !(r.width > 0 && r.height > 0); });
  b.dataset.probeSvgs = svgs.length;
  b.dataset.probeSvgsEmpty = empty.length;
  // An svg wider than the window would be cut off (or scroll the page).
  b.dataset.probeSvgsOutside = svgs.filter((s) => s.getBoundingClientRect().right > innerWidth + 0.5).length;
  b.dataset.probeScrollWidth = document.scrollingElement.scrollWidth;
  b.dataset.probeWindowWidth = innerWidth;
  b.dataset.probeResources = performance.getEntriesByType("resource").length;
  const m = document.querySelector('svg[aria-label="migration matrix"]');
  if (m) {
    const box = m.getBoundingClientRect();
    const texts = [...m.querySelectorAll("text")];
    b.dataset.probeMatrixLabels = JSON.stringify(texts.map((t) => t.textContent));
    // Every label drawn whole inside the chart, and no two labels overlapping (legible).
    // Row labels are end-anchored; column labels sit on the line of the "previous" caption.
    const captionY = texts[1].getAttribute("y");
    b.dataset.probeMatrixRows =
        JSON.stringify(texts.filter((t) => t.getAttribute("text-anchor") === "end").map((t) => t.textContent));
    b.dataset.probeMatrixColumns = JSON.stringify(
        texts.filter((t) => t.getAttribute("text-anchor") === "middle" && t.getAttribute("y") === captionY)
            .map((t) => t.textContent));
    b.dataset.probeMatrixClipped = texts.filter((t) => !inside(t.getBoundingClientRect(), box)).length;
    const rects = texts.map((t) => t.getBoundingClientRect());
    let overlaps = 0;
    for (let i = 0; i < rects.length; ++i)
      for (let j = i + 1; j < rects.length; ++j) {
        const a = rects[i], c = rects[j];
        if (a.left < c.right - 1 && c.left < a.right - 1 && a.top < c.bottom - 1 && c.top < a.bottom - 1) ++overlaps;
      }
    b.dataset.probeMatrixOverlaps = overlaps;
    b.dataset.probeMatrixMinFont = Math.min(...texts.map((t) => parseFloat(getComputedStyle(t).fontSize)));
  }
  b.dataset.probeSegmentRows = JSON.stringify([...document.querySelectorAll("tr.segment-row")].map((r) => r.dataset.segment));
  b.dataset.probeMatchingRows =
      JSON.stringify([...document.querySelectorAll("#matching-table tr[data-segment]")].map((r) => r.dataset.segment));
  b.dataset.probeDone = "yes";
});
