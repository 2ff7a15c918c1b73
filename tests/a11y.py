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

# Every chart on show has a non-empty text alternative right after it (WCAG 1.1.1).
CHARTS_WITHOUT_TEXT = """
() => {
  const bad = [];
  document.querySelectorAll('.js-plotly-plot').forEach((plot) => {
    if (!plot.getBoundingClientRect().width) return;
    let block = plot.closest('.block');
    const next = block && block.nextElementSibling;
    const text = next ? next.innerText.trim() : '';
    if (text.length < 20) bad.push((block && block.id) || 'a chart');
  });
  return bad;
}
"""
