"""Accessibility checks run inside the page (Playwright's `page.evaluate`), shared by the browser tests."""

# Every visible text node: its colour against the first opaque background behind it (WCAG 1.4.3, AA 4.5:1).
# Plotly's SVG text is measured against white: the charts draw no text on bars or bands (dashboard/charts.py).
LOW_CONTRAST_TEXT = """
(minimum) => {
  const parse = (c) => { const m = (c || '').match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(',').map(parseFloat); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const background = (el) => { for (; el; el = el.parentElement) { const c = parse(getComputedStyle(el).backgroundColor);
    if (c && c.a > 0.5) return c; } return {r: 255, g: 255, b: 255, a: 1}; };
  const white = {r: 255, g: 255, b: 255, a: 1};
  const bad = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement, text = node.textContent.trim();
    if (!el || !text) continue;
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
    const inSvg = el.closest('svg') !== null;
    const fg = parse(inSvg ? style.fill : style.color);
    if (!fg || fg.a === 0) continue;
    const bg = inSvg ? white : background(el);
    const r = ratio(fg, bg);
    if (r < minimum) bad.push(`${text.slice(0, 40)} | ${inSvg ? style.fill : style.color} on rgb(${bg.r},${bg.g},${bg.b}) = ${r.toFixed(2)}`);
  }
  return bad;
}
"""

# Text pushed out of its box (cut off): elements whose content is wider than the box and hides the overflow.
CLIPPED_TEXT = """
(selector) => {
  const bad = [];
  document.querySelectorAll(selector).forEach((el) => {
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible') bad.push(el.textContent.trim().slice(0, 60));
  });
  return bad;
}
"""

# Every chart on show (Plotly's, or the first screen's inline SVG / HTML ones) is an image (role="img") with a
# name, and its text alternative (the block right after it, at least 20 characters) is tied to it by
# aria-describedby (WCAG 1.1.1).
CHARTS_WITHOUT_TEXT = """
() => {
  const bad = [];
  document.querySelectorAll('.js-plotly-plot, figure.html-chart').forEach((plot) => {
    if (!plot.getBoundingClientRect().width) return;
    const block = plot.closest('.block');
    const name = (block && block.id) || 'a chart';
    const next = block && block.nextElementSibling;
    const text = next ? next.innerText.trim() : '';
    const described = document.getElementById(plot.getAttribute('aria-describedby') || '');
    if (text.length < 20) bad.push(name + ': no text alternative after it');
    else if (described !== next) bad.push(name + ': text alternative not tied by aria-describedby');
    if (plot.getAttribute('role') !== 'img' || !(plot.getAttribute('aria-label') || '').trim()) bad.push(name + ': not a named image');
  });
  return bad;
}
"""

# A chart block on show without a drawn chart in it (an empty frame), by the dashboard's chart ids.
EMPTY_FRAMES = """
() => ['gauge', 'why-plot', 'importance-plot', 'box-plot', 'scatter-plot', 'what-if-plot', 'roc-plot', 'calibration-plot',
       'cost-plot'].filter((id) => { const el = document.getElementById(id);
    return el && el.getBoundingClientRect().width > 0
      && !el.querySelector('.js-plotly-plot .main-svg, figure.html-chart:not(.pending)'); })
"""

# The focused element's outline against the background behind it (WCAG 1.4.11: 3:1); 0 without an outline.
FOCUS_RING = """
() => {
  const el = document.activeElement, style = getComputedStyle(el);
  if (style.outlineStyle === 'none' || parseFloat(style.outlineWidth) < 2) return 0;
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  let bg = [255, 255, 255];
  for (let p = el.parentElement; p; p = p.parentElement) { const c = parse(getComputedStyle(p).backgroundColor);
    if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) { bg = c; break; } }
  const a = lum(parse(style.outlineColor)), b = lum(bg);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}
"""

# Text of a chart drawn outside the chart's own box (cut off or overlapping the page), at any width.
CHART_TEXT_OUTSIDE = """
() => {
  const bad = [];
  document.querySelectorAll('.js-plotly-plot, figure.html-chart').forEach((plot) => {
    const box = plot.getBoundingClientRect();
    if (!box.width) return;
    plot.querySelectorAll('text').forEach((t) => {
      const r = t.getBoundingClientRect();
      if (!t.textContent.trim() || !r.width) return;
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
        bad.push(`${(plot.closest('.block') || {}).id}: "${t.textContent.trim().slice(0, 40)}"`);
    });
  });
  return bad;
}
"""

# axe-core's violations on the whole page (axe.min.js from npm, added to the page first).
AXE_VIOLATIONS = """
async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map((v) => ({
  id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }))
"""

# Violations inside Gradio's own components that the project cannot fix in its markup: rule -> (reason,
# upstream reference). Empty today: the ones found (aria-label="Empty value" on an empty component, the
# Plotly logo link and mode bar) are worked around in dashboard/ui.py (no empty components, mode bar off).
GRADIO_VIOLATIONS: dict[str, tuple[str, str]] = {}
