// Line charts (uPlot): a chart holds columns [x, y1, y2, …] and says how many points it has in data-points. New points
// are drawn at the next frame (SN.later), not one by one; a visually hidden table beside each chart gives its latest values.
'use strict';
(function (SN) {
  // Okabe–Ito's colour-blind-safe hues, darkened where needed for 3:1 against white, and greys: no two collide under
  // simulated deuteranopia or protanopia (ΔE ≥ 6). The dash patterns tell the series apart without colour at all.
  const palette = ['#0072b2', '#d55e00', '#009e73', '#b0579a', '#000000', '#882255', '#7a7a29', '#777777', '#332288', '#2f4f4f'];
  const dashes = [[], [8, 4], [2, 3], [12, 3, 2, 3], [5, 5], [1, 5], [12, 3, 2, 3, 2, 3], [16, 6], [3, 3, 9, 3], [8, 2, 2, 2, 2, 2]];
  // On a dark page: the same hues made light enough for 3:1 against the dark panel (#1b2230), black turned near-white.
  const paletteDark = ['#56b4e9', '#e69f00', '#2fbf8f', '#cc79a7', '#f0f0f0', '#ee6677', '#c8c850', '#aaaaaa', '#9f8fef', '#7fc8c8'];
  SN.palette = palette;
  SN.paletteDark = paletteDark;
  SN.dashes = dashes;

  // The page follows the desktop's light or dark scheme (app.css); canvases take their ink from the same variables.
  const darkQuery = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  SN.dark = () => !!(darkQuery && darkQuery.matches);
  SN.ink = () => getComputedStyle(document.documentElement).getPropertyValue('--ink').trim() || '#1d2330';
  SN.chartColours = () => (SN.dark()
    ? { ink: SN.ink(), grid: 'rgba(255,255,255,0.14)', palette: paletteDark }
    : { ink: SN.ink(), grid: 'rgba(0,0,0,0.07)', palette: palette });

  // A hidden table goes in a hidden div that clips it (see .visually-hidden in app.css).
  SN.hiddenFrame = function (table) {
    const frame = document.createElement('div');
    frame.className = 'visually-hidden';
    frame.append(table);
    return frame;
  };

  function width(figure) { return Math.max(260, Math.min(900, figure.clientWidth - 16)); }

  // figure: the <figure> element; series: [{ label, color? }]; options: { xLabel, log, wholeX (integer ticks), points, height }
  SN.Chart = function (figure, series, options) {
    this.figure = figure;
    this.options = options || {};
    this.columns = [[]].concat(series.map(() => []));
    this.series = series;
    this.plot = null;
    this.build();
    SN.Chart.all.add(this);
  };
  SN.Chart.all = new Set();

  SN.Chart.prototype.build = function () {
    if (this.plot) { this.plot.destroy(); }
    const o = this.options;
    const colours = SN.chartColours();
    const axis = { stroke: colours.ink, grid: { stroke: colours.grid, width: 1 }, ticks: { stroke: colours.grid, width: 1 } };
    const opts = {
      width: width(this.figure),
      height: o.height || 220,
      scales: { x: { time: false }, y: o.log ? { distr: 3 } : {} },
      // Epoch charts tick whole epochs only.
      axes: [
        o.wholeX ? { ...axis, label: o.xLabel || 'epoch', size: 40, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500] } : { ...axis, label: o.xLabel || 'epoch', size: 40 },
        // A log axis spans decades, so its ticks are written as powers of ten.
        o.log ? { ...axis, size: 60, values: (u, ticks) => ticks.map(v => (v === null ? '' : v.toExponential(0))) } : { ...axis, size: 60 },
      ],
      legend: { live: true },
      hooks: { setSeries: [u => SN.Chart.legendState(u)] },
      series: [{ label: o.xLabel || 'epoch' }].concat(this.series.map((s, i) => ({
        label: s.label, stroke: s.color || colours.palette[i % colours.palette.length], dash: dashes[i % dashes.length], width: 2, spanGaps: true,
        points: { show: o.points !== false },
      }))),
    };
    this.plot = new uPlot(opts, this.columns, this.figure);
    SN.Chart.keyboardLegend(this.plot);
    this.mark();
  };

  // uPlot's legend answers only the mouse: each entry becomes a checkbox that Tab reaches and Enter or Space toggles,
  // by the very click uPlot listens for (Ctrl or ⌘ still isolates a series), so keys and mouse cannot drift apart.
  // The legend's table is only layout (rows of checkboxes, not of data cells), so it is marked presentation.
  SN.Chart.keyboardLegend = function (u) {
    const legend = u.root.querySelector('.u-legend');
    if (!legend) { return; }
    legend.setAttribute('role', 'presentation');
    u.series.forEach((s, i) => {
      const label = legend.rows[i] && legend.rows[i].cells[0];
      if (i === 0 || !label) { return; } // the x series' entry only shows the cursor's x
      label.tabIndex = 0;
      label.setAttribute('role', 'checkbox');
      label.setAttribute('aria-label', `Show ${s.label}`);
      label.addEventListener('keydown', e => {
        if ((e.key !== 'Enter' && e.key !== ' ') || e.repeat) { return; }
        e.preventDefault(); // Space would scroll the page
        label.dispatchEvent(new MouseEvent('click', { bubbles: true, ctrlKey: e.ctrlKey, metaKey: e.metaKey }));
      });
    });
    SN.Chart.legendState(u);
  };

  // aria-checked follows uPlot's own state, whatever changed it: a click, a key, or Ctrl's isolating of one series.
  SN.Chart.legendState = function (u) {
    const legend = u.root.querySelector('.u-legend');
    u.series.forEach((s, i) => {
      const label = i > 0 && legend && legend.rows[i] && legend.rows[i].cells[0];
      if (label) { label.setAttribute('aria-checked', String(s.show !== false)); }
    });
  };

  // data-points: what is drawn; data-draws: how often it was drawn (a burst of points is one drawing).
  SN.Chart.prototype.mark = function () {
    this.figure.dataset.points = String(this.columns[0].length);
    this.figure.dataset.series = String(this.series.length);
    this.figure.dataset.draws = String((Number(this.figure.dataset.draws) || 0) + 1);
    this.tabulate();
  };

  // What a screen reader gets instead of the lines: each series' latest value, and where it is.
  SN.Chart.prototype.tabulate = function () {
    if (!this.table) {
      this.table = document.createElement('table');
      this.table.createCaption();
      this.table.createTHead().insertRow();
      this.table.createTBody();
      this.figure.append(SN.hiddenFrame(this.table));
    }
    const xLabel = this.options.xLabel || 'epoch';
    const caption = this.figure.querySelector('figcaption');
    this.table.caption.textContent = `Latest values${caption ? ': ' + caption.textContent : ''}`;
    const head = this.table.tHead.rows[0];
    head.textContent = '';
    ['series', xLabel, 'value', 'points'].forEach(text => { const th = document.createElement('th'); th.scope = 'col'; th.textContent = text; head.append(th); });
    const body = this.table.tBodies[0];
    body.textContent = '';
    this.series.forEach((s, i) => {
      const ys = this.columns[i + 1];
      let j = ys.length - 1;
      while (j >= 0 && (ys[j] === null || ys[j] === undefined)) { j--; }
      const row = body.insertRow();
      row.insertCell().textContent = s.label;
      row.insertCell().textContent = j >= 0 ? SN.format(this.columns[0][j], 2) : '–';
      row.insertCell().textContent = j >= 0 ? SN.format(ys[j]) : '–';
      row.insertCell().textContent = String(ys.filter(y => y !== null && y !== undefined).length);
    });
  };

  // Appends one x with a y per series (null for a gap); drawn with the next frame.
  SN.Chart.prototype.push = function (x, ys) {
    this.columns[0].push(x);
    for (let i = 0; i < this.series.length; i++) { this.columns[i + 1].push(ys[i] === undefined ? null : ys[i]); }
    SN.later(this, () => { this.plot.setData(this.columns); this.mark(); });
  };

  // Replaces everything: columns = [xs, ys1, ys2, …].
  SN.Chart.prototype.set = function (series, columns) {
    this.series = series;
    this.columns = columns;
    this.build();
  };

  SN.Chart.prototype.clear = function () {
    this.columns = [[]].concat(this.series.map(() => []));
    this.plot.setData(this.columns);
    this.mark();
  };

  let resizeTimer = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      SN.Chart.all.forEach(c => { if (c.figure.offsetParent !== null) { c.plot.setSize({ width: width(c.figure), height: c.options.height || 220 }); } });
    }, 150);
  });

  // A change of the desktop's scheme redraws the charts in its colours (and the pictures that write text, see draw.js).
  if (darkQuery && darkQuery.addEventListener) {
    darkQuery.addEventListener('change', () => {
      SN.Chart.all.forEach(c => c.build());
      if (SN.redrawConfusions) { SN.redrawConfusions(); }
    });
  }

  // Charts created while their view was hidden have a poor width; a view calls this when it appears.
  SN.Chart.fit = function () {
    SN.Chart.all.forEach(c => { if (c.figure.offsetParent !== null) { c.plot.setSize({ width: width(c.figure), height: c.options.height || 220 }); } });
  };
})(window.SN);
