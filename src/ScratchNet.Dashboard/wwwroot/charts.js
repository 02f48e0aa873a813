// Line charts (uPlot): a chart holds columns [x, y1, y2, …] and says how many points it has in data-points.
'use strict';
(function (SN) {
  const palette = ['#1f5fbf', '#c2410c', '#15803d', '#7c3aed', '#b91c1c', '#0e7490', '#a16207', '#be185d', '#4d7c0f', '#475569'];
  SN.palette = palette;

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
    const opts = {
      width: width(this.figure),
      height: o.height || 220,
      scales: { x: { time: false }, y: o.log ? { distr: 3 } : {} },
      // Epoch charts tick whole epochs only.
      axes: [
        o.wholeX ? { label: o.xLabel || 'epoch', size: 40, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500] } : { label: o.xLabel || 'epoch', size: 40 },
        // A log axis spans decades, so its ticks are written as powers of ten.
        o.log ? { size: 60, values: (u, ticks) => ticks.map(v => (v === null ? '' : v.toExponential(0))) } : { size: 60 },
      ],
      legend: { live: true },
      series: [{ label: o.xLabel || 'epoch' }].concat(this.series.map((s, i) => ({
        label: s.label, stroke: s.color || palette[i % palette.length], width: 2, spanGaps: true,
        points: { show: o.points !== false },
      }))),
    };
    this.plot = new uPlot(opts, this.columns, this.figure);
    this.mark();
  };

  SN.Chart.prototype.mark = function () {
    this.figure.dataset.points = String(this.columns[0].length);
    this.figure.dataset.series = String(this.series.length);
  };

  // Appends one x with a y per series (null for a gap).
  SN.Chart.prototype.push = function (x, ys) {
    this.columns[0].push(x);
    for (let i = 0; i < this.series.length; i++) { this.columns[i + 1].push(ys[i] === undefined ? null : ys[i]); }
    this.plot.setData(this.columns);
    this.mark();
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

  // Charts created while their view was hidden have a poor width; a view calls this when it appears.
  SN.Chart.fit = function () {
    SN.Chart.all.forEach(c => { if (c.figure.offsetParent !== null) { c.plot.setSize({ width: width(c.figure), height: c.options.height || 220 }); } });
  };
})(window.SN);
