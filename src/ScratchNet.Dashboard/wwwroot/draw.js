// Pictures drawn straight onto canvases: images, diverging heatmaps, confusion matrices, weight tiles.
'use strict';
window.SN = window.SN || {};
(function (SN) {
  // Diverging colour for v in [-1, 1]: blue for negative, white at 0, red for positive.
  SN.diverging = function (v) {
    const t = Math.max(-1, Math.min(1, v));
    if (t >= 0) { return [255, Math.round(255 * (1 - t * 0.85)), Math.round(255 * (1 - t * 0.87))]; }
    const u = -t;
    return [Math.round(255 * (1 - u * 0.87)), Math.round(255 * (1 - u * 0.62)), 255];
  };

  SN.maxAbs = function (values) {
    let m = 0;
    for (let i = 0; i < values.length; i++) { const a = Math.abs(values[i]); if (a > m) { m = a; } }
    return m;
  };

  // Draws a w × h grid of values into the canvas, scaled to fill it. mode: 'ink' (0 white … 1 black) or 'diverging'.
  SN.drawGrid = function (canvas, values, w, h, mode, scale) {
    const ctx = canvas.getContext('2d');
    const img = ctx.createImageData(w, h);
    const s = scale || SN.maxAbs(values) || 1;
    for (let i = 0; i < w * h; i++) {
      const v = values[i] || 0;
      let c;
      if (mode === 'ink') { const g = Math.round(255 * (1 - Math.max(0, Math.min(1, v)))); c = [g, g, g]; } else { c = SN.diverging(v / s); }
      img.data[i * 4] = c[0]; img.data[i * 4 + 1] = c[1]; img.data[i * 4 + 2] = c[2]; img.data[i * 4 + 3] = 255;
    }
    const off = document.createElement('canvas');
    off.width = w; off.height = h;
    off.getContext('2d').putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(off, 0, 0, canvas.width, canvas.height);
  };

  // A vector of units as rows of cells (columns at most 32); returns the geometry so a click can find its unit.
  SN.drawVector = function (canvas, values, options) {
    const n = values.length;
    const columns = Math.min(n, (options && options.columns) || 32);
    const rows = Math.ceil(n / columns);
    const cell = Math.max(6, Math.min(22, Math.floor(((options && options.width) || 640) / columns)));
    canvas.width = columns * cell;
    canvas.height = rows * cell;
    const ctx = canvas.getContext('2d');
    const s = (options && options.scale) || SN.maxAbs(values) || 1;
    for (let i = 0; i < n; i++) {
      const c = SN.diverging(values[i] / s);
      ctx.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`;
      ctx.fillRect((i % columns) * cell, Math.floor(i / columns) * cell, cell - 1, cell - 1);
    }
    if (options && options.selected !== undefined && options.selected !== null && options.selected < n) {
      ctx.strokeStyle = '#111'; ctx.lineWidth = 2;
      ctx.strokeRect((options.selected % columns) * cell + 1, Math.floor(options.selected / columns) * cell + 1, cell - 3, cell - 3);
    }
    return { columns: columns, cell: cell, count: n };
  };

  SN.unitAt = function (canvas, geometry, event) {
    const rect = canvas.getBoundingClientRect();
    const x = (event.clientX - rect.left) * canvas.width / rect.width;
    const y = (event.clientY - rect.top) * canvas.height / rect.height;
    const unit = Math.floor(y / geometry.cell) * geometry.columns + Math.floor(x / geometry.cell);
    return unit >= 0 && unit < geometry.count ? unit : null;
  };

  // Confusion matrix: each cell coloured by its share of the true class's row on a square-root scale, as confusion.png
  // is, so a 1 % confusion is visibly tinted beside a 98 % diagonal while 25 % and 45 % still differ; blue on the
  // diagonal (right), red off it (confused). Counts written in.
  SN.confusionScale = 'colour: share of the row on a square-root scale, as in confusion.png; blue right, red confused';
  SN.confusionShade = share => Math.sqrt(Math.max(0, Math.min(1, share)));
  SN.confusionColour = (diagonal, shade) => (diagonal
    ? [Math.round(255 - 190 * shade), Math.round(255 - 120 * shade), Math.round(255 - 60 * shade)]
    : [255, Math.round(255 - 200 * shade), Math.round(255 - 200 * shade)]);

  // WCAG's relative luminance of an sRGB colour, and the text colour (black or white) that contrasts more with it: the
  // better of the two is always at least 4.58:1, above the 4.5:1 that small text needs.
  SN.luminance = function (rgb) {
    const lin = c => { const v = c / 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2]);
  };
  SN.inkOn = function (rgb) {
    const l = SN.luminance(rgb);
    return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? '#000' : '#fff';
  };

  // The counts as a table for screen readers (the canvas beside it is the picture of it).
  SN.confusionTable = function (table, counts, names) {
    const name = i => String(names && names[i] !== undefined ? names[i] : i);
    table.textContent = '';
    table.createCaption().textContent = 'Confusion matrix counts: rows true class, columns predicted class';
    const head = table.createTHead().insertRow();
    ['true, predicted →'].concat(counts.map((_, i) => name(i))).forEach(text => { const th = document.createElement('th'); th.scope = 'col'; th.textContent = text; head.append(th); });
    const body = table.createTBody();
    counts.forEach((row, a) => {
      const tr = body.insertRow();
      const th = document.createElement('th'); th.scope = 'row'; th.textContent = name(a); tr.append(th);
      row.forEach(count => { tr.insertCell().textContent = String(count); });
    });
  };
  // Drawn matrices, so a change to the dark scheme (or back) writes their labels again in the page's ink.
  const confusions = new Map();
  SN.redrawConfusions = () => confusions.forEach((args, canvas) => SN.drawConfusion(canvas, args[0], args[1]));
  SN.clearConfusion = function (canvas) {
    confusions.delete(canvas);
    canvas.getContext('2d').clearRect(0, 0, canvas.width, canvas.height);
  };

  SN.drawConfusion = function (canvas, counts, names) {
    confusions.set(canvas, [counts, names]);
    const k = counts.length;
    const margin = 28;
    const size = Math.min(canvas.width, canvas.height) - margin;
    const cell = size / k;
    const ctx = canvas.getContext('2d');
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.font = `${Math.max(8, Math.min(12, cell * 0.32))}px system-ui, sans-serif`;
    ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
    for (let a = 0; a < k; a++) {
      const total = counts[a].reduce((x, y) => x + y, 0) || 1;
      // The class names stand on the panel, not on a cell: the page's ink (light on a dark page).
      ctx.fillStyle = SN.ink ? SN.ink() : '#333';
      ctx.fillText(String(names && names[a] !== undefined ? names[a] : a).slice(0, 4), margin / 2, margin + (a + 0.5) * cell);
      ctx.fillText(String(names && names[a] !== undefined ? names[a] : a).slice(0, 4), margin + (a + 0.5) * cell, margin / 2);
      for (let p = 0; p < k; p++) {
        const share = counts[a][p] / total;
        const shade = SN.confusionShade(share);
        const c = SN.confusionColour(a === p, shade);
        ctx.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`;
        ctx.fillRect(margin + p * cell, margin + a * cell, cell - 1, cell - 1);
        if (counts[a][p] > 0 && cell >= 18) {
          ctx.fillStyle = SN.inkOn(c);
          ctx.fillText(String(counts[a][p]), margin + (p + 0.5) * cell, margin + (a + 0.5) * cell);
        }
      }
    }
  };

  SN.base64Bytes = function (text) {
    const raw = atob(text);
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  };

  // The first layer's weights: one tile per unit, signed bytes scaled per unit to ±127.
  SN.tileGround = '#8a93a3';

  SN.drawWeightTiles = function (canvas, tiles) {
    const bytes = SN.base64Bytes(tiles.data);
    const signed = new Int8Array(bytes.buffer);
    const side = tiles.side;
    const w = side > 0 ? side : tiles.inputs;
    const h = side > 0 ? side : 1;
    // 28 × 28 tiles at 2× zoom; a small convolution filter (3 × 3) is blown up to about the same size.
    const zoom = side > 0 ? Math.max(2, Math.floor(56 / side)) : 1;
    // Tiles sit on a grey ground with a gap, since a weight near 0 is white: on white, sixteen 3 × 3 filters ran
    // together into one strip.
    const gap = side > 0 ? 4 : 2;
    const columns = side > 0 ? Math.max(1, Math.min(tiles.units, Math.floor((canvas.parentElement.clientWidth || 640) / (side * zoom + gap)))) : 1;
    const rows = Math.ceil(tiles.units / columns);
    canvas.width = columns * (w * zoom + gap);
    canvas.height = rows * (h * zoom + gap) * (side > 0 ? 1 : 4);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = side > 0 ? SN.tileGround : '#fff'; ctx.fillRect(0, 0, canvas.width, canvas.height);
    const img = ctx.createImageData(w, h);
    const off = document.createElement('canvas');
    off.width = w; off.height = h;
    ctx.imageSmoothingEnabled = false;
    for (let u = 0; u < tiles.units; u++) {
      for (let i = 0; i < w * h; i++) {
        const c = SN.diverging(signed[u * tiles.inputs + i] / 127);
        img.data[i * 4] = c[0]; img.data[i * 4 + 1] = c[1]; img.data[i * 4 + 2] = c[2]; img.data[i * 4 + 3] = 255;
      }
      off.getContext('2d').putImageData(img, 0, 0);
      const x = (u % columns) * (w * zoom + gap);
      const y = Math.floor(u / columns) * (h * zoom + gap) * (side > 0 ? 1 : 4);
      ctx.drawImage(off, x, y, w * zoom, h * zoom * (side > 0 ? 1 : 4));
    }
  };

  SN.format = function (v, digits) {
    if (v === null || v === undefined || Number.isNaN(v)) { return '–'; }
    // A hand-edited report may hold anything: show it as written rather than fail.
    if (typeof v !== 'number') { return String(v); }
    if (Math.abs(v) !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) { return v.toExponential(2); }
    return v.toFixed(digits === undefined ? 4 : digits);
  };

  SN.duration = function (seconds) {
    if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) { return '–'; }
    const s = Math.max(0, Math.round(seconds));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    return (h > 0 ? h + ':' + String(m).padStart(2, '0') : String(m)) + ':' + String(r).padStart(2, '0');
  };

  // What every tab says once the server is gone, in place of the browser's own "Failed to fetch" / "NetworkError…".
  // After a run's end the training process closes its dashboard as it exits: that is no crash, and a reload cannot bring it back.
  SN.stoppedNotice = () => SN.runEnded
    ? `The training process ended with its run, and its dashboard with it. The page keeps what it shows; browse the run later with ${SN.endBrowse || SN.browseCommand || 'serve'}.`
    : `The dashboard server stopped (${SN.servingMode ? 'serve' : 'the process'} was closed or killed). The page keeps what it shows; reload it once the server runs again.`;

  // What a tab's status line says of a request that reached no server, once the banner above the tabs says why in full:
  // the whole notice in both places read twice.
  SN.unanswered = 'The server did not answer (see the note above).';

  // fetch, with a request that reached no server (a TypeError, whatever the browser's wording) said in plain words.
  SN.request = async function (url, init) {
    try {
      return await fetch(url, init);
    } catch (e) {
      if (!(e instanceof TypeError)) { throw e; }
      if (SN.serverGone) { SN.serverGone(true); }
      throw Object.assign(new Error(SN.serverGone ? SN.unanswered : SN.stoppedNotice()), { gone: true });
    }
  };

  // Why the server refused a request, in its own words: the dashboard's JSON {"error": …}, a plain-text answer (the host
  // check's), or at least the status; never "Failed to fetch", which is what a server that cannot be reached gets.
  SN.refusal = function (response, text) {
    let reason = '';
    try { const body = JSON.parse(text); reason = body && typeof body.error === 'string' ? body.error : ''; } catch (e) { reason = ''; }
    if (!reason && text && !/^\s*</.test(text)) { reason = text.trim().slice(0, 600); }
    return reason || `${response.status} ${response.statusText}`.trim();
  };
  // A reason as a sentence of its own, to stand between the page's sentences: with its full stop, never a second one.
  // (Its first word is left as the server wrote it: it may be a command, such as serve.)
  SN.sentence = function (text) {
    const t = String(text || '').trim();
    return !t || /[.!?]$/.test(t) ? t : `${t}.`;
  };

  SN.reason = async function (response) {
    const text = await response.text().catch(() => '');
    return SN.refusal(response, text);
  };

  SN.getJson = async function (url, init) {
    const response = await SN.request(url, init);
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      const error = new Error(SN.refusal(response, text));
      error.status = response.status;
      throw error;
    }
    try { return JSON.parse(text); } catch (e) { return null; }
  };
})(window.SN);
