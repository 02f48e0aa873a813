// The explorer: draw or drop a digit, see it preprocessed, every layer's output, the probabilities, and the backward pass.
'use strict';
(function (SN) {
  const $ = id => document.getElementById(id);
  const state = { run: null, model: null, busy: false, dirty: false, drawn: false, file: null, trace: null, selected: null };

  function status(text, isError) {
    const el = $('explore-status');
    el.textContent = text || '';
    el.classList.toggle('error', !!isError);
  }

  function query(extra) {
    const q = new URLSearchParams();
    if (state.run) { q.set('run', state.run); }
    Object.entries(extra || {}).forEach(([k, v]) => { if (v !== null && v !== undefined && v !== '') { q.set(k, v); } });
    const s = q.toString();
    return s ? '?' + s : '';
  }

  // --- drawing -----------------------------------------------------------------------------------------------
  const canvas = () => $('draw');

  function clearDrawing() {
    const c = canvas();
    const ctx = c.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, c.width, c.height);
    state.drawn = false;
    state.file = null;
  }

  function point(event) {
    const rect = canvas().getBoundingClientRect();
    return { x: (event.clientX - rect.left) * canvas().width / rect.width, y: (event.clientY - rect.top) * canvas().height / rect.height };
  }

  function setUpDrawing() {
    const c = canvas();
    const ctx = c.getContext('2d');
    clearDrawing();
    let last = null;
    c.addEventListener('pointerdown', e => {
      c.setPointerCapture(e.pointerId);
      if (state.file) { clearDrawing(); }
      last = point(e);
      ctx.fillStyle = '#000';
      ctx.beginPath(); ctx.arc(last.x, last.y, 9, 0, Math.PI * 2); ctx.fill();
      state.drawn = true;
      e.preventDefault();
    });
    c.addEventListener('pointermove', e => {
      if (!last) { return; }
      const p = point(e);
      ctx.strokeStyle = '#000'; ctx.lineWidth = 18; ctx.lineCap = 'round'; ctx.lineJoin = 'round';
      ctx.beginPath(); ctx.moveTo(last.x, last.y); ctx.lineTo(p.x, p.y); ctx.stroke();
      last = p;
      update();
    });
    const end = () => { if (last) { last = null; update(); } };
    c.addEventListener('pointerup', end);
    c.addEventListener('pointercancel', end);
    $('draw-clear').addEventListener('click', () => { clearDrawing(); showEmpty(); });

    // Drop an image on the drawing area, or choose one with the file input.
    const panel = c.parentElement;
    panel.addEventListener('dragover', e => { e.preventDefault(); panel.classList.add('dragging'); });
    panel.addEventListener('dragleave', () => panel.classList.remove('dragging'));
    panel.addEventListener('drop', e => {
      e.preventDefault();
      panel.classList.remove('dragging');
      if (e.dataTransfer.files.length) { useFile(e.dataTransfer.files[0]); }
    });
    $('image-file').addEventListener('change', e => { if (e.target.files.length) { useFile(e.target.files[0]); } });

    // The drawing area is a tab stop, and a digit cannot be drawn from the keyboard: its keys choose a file instead, as a
    // button's do (Enter as it goes down, Space as it comes up; Space's own scrolling is held back).
    c.addEventListener('keydown', e => {
      if (e.key === 'Enter') { e.preventDefault(); $('image-file').click(); } else if (e.key === ' ') { e.preventDefault(); }
    });
    c.addEventListener('keyup', e => { if (e.key === ' ') { e.preventDefault(); $('image-file').click(); } });
  }

  // Until the chosen file's answer comes, the last answer (another image's) is cleared and the status line says the
  // file is on its way: under load the server may wait seconds for a slot, and the old prediction looked like the new
  // file's.
  function useFile(file) {
    state.file = file;
    showEmpty();
    status(`Sending ${file.name || 'the image'} to the explorer…`);
    const url = URL.createObjectURL(file);
    const img = new Image();
    img.onload = () => {
      const c = canvas(), ctx = c.getContext('2d');
      ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, c.width, c.height);
      const s = Math.min(c.width / img.width, c.height / img.height);
      ctx.drawImage(img, (c.width - img.width * s) / 2, (c.height - img.height * s) / 2, img.width * s, img.height * s);
      URL.revokeObjectURL(url);
    };
    img.src = url;
    update();
  }

  // How often an upload turned away because the server is preparing other images (another tab, a script) is sent again.
  const busyTries = 8;

  // A file the server refuses by its type: the user chose a file, not a Content-Type, so the answer speaks of the file.
  function refusedFile(type) {
    return type.startsWith('image/')
      ? `That image is ${type}, which the explorer does not read; choose a PNG or JPEG (GIF, BMP and TIFF work too).`
      : `That file is not an image (${type}); choose a PNG or JPEG (GIF, BMP and TIFF work too).`;
  }

  // One upload; a 429 (every slot taken) waits the server's Retry-After and tries again a few times, saying so meanwhile.
  async function explore(blob) {
    const file = state.file;
    for (let attempt = 1; ; attempt++) {
      const r = await SN.request('api/model/explore' + query({ label: $('label-select').value }), { method: 'POST', headers: { 'Content-Type': blob.type || 'application/octet-stream' }, body: blob });
      if (r.ok) { return await r.json(); }
      if (r.status === 415 && file) { throw new Error(refusedFile(blob.type)); }
      if (r.status !== 429 || attempt >= busyTries || state.file !== file) { throw new Error(await SN.reason(r)); }
      const seconds = Math.min(10, Math.max(1, Number(r.headers.get('Retry-After')) || 1));
      status(`Waiting for the explorer: it is preparing other images (try ${attempt + 1} of ${busyTries} in ${seconds} s)…`);
      await new Promise(resolve => setTimeout(resolve, seconds * 1000));
    }
  }

  // At most one request in flight; strokes drawn meanwhile are sent when it returns.
  function update() {
    if (!state.model) { return; }
    if (!state.drawn && !state.file) { return; }
    if (state.busy) { state.dirty = true; return; }
    state.busy = true;
    state.dirty = false;
    // An answer about a file no longer chosen (another file, or drawing since) is not shown: the newer image is sent next.
    const file = state.file;
    const current = () => state.file === file;
    const send = blob => explore(blob)
      .then(trace => { if (current()) { state.trace = trace; status(''); render(trace); } })
      .catch(e => { if (current()) { showEmpty(); status(e.message, true); } })
      .finally(() => { state.busy = false; if (state.dirty) { update(); } });
    if (state.file) { send(state.file); } else { canvas().toBlob(send, 'image/png'); }
  }

  // --- rendering ---------------------------------------------------------------------------------------------
  function showEmpty() {
    state.trace = null;
    $('prediction').textContent = '';
    delete $('prediction').dataset.predicted;
    $('probabilities').textContent = '';
    $('loss-output').textContent = '';
    $('layers').textContent = '';
    $('saliency-panel').hidden = true;
    const input = $('explore-input');
    input.getContext('2d').clearRect(0, 0, input.width, input.height);
  }

  function side(shape) { return shape.length === 3 ? [shape[2], shape[1]] : [shape[0], 1]; }

  // "7" for a digit, "Dress (3)" where the class has a name of its own (as predict writes it).
  function className(k) {
    const names = (state.model && state.model.classNames) || [];
    return names[k] === undefined || names[k] === String(k) ? String(k) : `${names[k]} (${k})`;
  }

  function bars(list, values, options) {
    list.textContent = '';
    list.classList.toggle('named', options.what === 'class' && values.some((v, i) => className(i) !== String(i)));
    const m = options.signed ? (SN.maxAbs(values) || 1) : 1;
    values.forEach((v, i) => {
      const li = document.createElement('li');
      if (options.best === i) { li.className = 'best'; }
      const name = document.createElement('span'); name.textContent = options.what === 'class' ? className(i) : i;
      const bar = document.createElement('span'); bar.className = 'bar';
      const fill = document.createElement('span');
      fill.style.width = `${Math.min(100, 100 * Math.abs(v) / m)}%`;
      if (options.signed) { fill.className = v < 0 ? 'negative' : 'positive'; }
      bar.append(fill);
      const value = document.createElement('span'); value.textContent = options.signed ? v.toFixed(3) : v.toFixed(4);
      li.append(name, bar, value);
      li.setAttribute('aria-label', `${options.what} ${i}: ${value.textContent}`);
      list.append(li);
    });
  }

  // The dense layer whose weights feed a layer's units: the layer itself, or the dense layer before an activation.
  function feedingDense(index) {
    const layers = state.model.layers;
    for (let i = index; i >= 0; i--) {
      if (layers[i].kind === 'dense') { return i; }
      if (layers[i].outputs !== layers[index].outputs) { return null; }
    }
    return null;
  }

  function describe(layer) {
    if (layer.kind === 'dense') { return 'Z = x·W + b'; }
    if (layer.kind === 'activation') { return `A = ${layer.activation}(Z)`; }
    return layer.kind;
  }

  function layerPanel(t, index, hasGradient) {
    const layer = t.layer;
    const box = document.createElement('section');
    box.className = 'layer';
    box.setAttribute('aria-label', `${layer.name} output`);
    const title = document.createElement('h3');
    title.innerHTML = '';
    title.append(document.createTextNode(`${layer.name} `));
    const small = document.createElement('small');
    small.textContent = `${describe(layer)} · ${layer.shape.join(' × ')} values`;
    title.append(small);
    box.append(title);
    const draw = (values, label) => {
      const what = document.createElement('p'); what.className = 'what'; what.textContent = label;
      const c = document.createElement('canvas');
      c.setAttribute('role', 'img');
      c.setAttribute('aria-label', `${layer.name}: ${label}`);
      box.append(what, c);
      if (layer.shape.length === 3) {
        // Convolution feature maps: one small heatmap per channel.
        const [ch, h, w] = layer.shape;
        c.width = Math.min(ch, 16) * (w + 2) * 2; c.height = Math.ceil(ch / 16) * (h + 2) * 2;
        const ctx = c.getContext('2d');
        for (let k = 0; k < ch; k++) {
          const tile = document.createElement('canvas'); tile.width = w * 2; tile.height = h * 2;
          SN.drawGrid(tile, values.slice(k * h * w, (k + 1) * h * w), w, h, 'diverging');
          ctx.drawImage(tile, (k % 16) * (w + 2) * 2, Math.floor(k / 16) * (h + 2) * 2);
        }
        return;
      }
      const dense = feedingDense(index);
      const geometry = SN.drawVector(c, values, { width: Math.min(640, $('layers').clientWidth - 24), selected: state.selected && state.selected.layer === dense ? state.selected.unit : null });
      if (dense !== null) {
        c.title = 'Choose a unit to see its incoming weights';
        c.addEventListener('click', e => { const u = SN.unitAt(c, geometry, e); if (u !== null) { showUnit(dense, u); } });
      }
    };
    draw(t.output, `output (blue negative, red positive; largest |value| ${SN.format(SN.maxAbs(t.output), 3)})`);
    if (hasGradient && t.outputGradient) {
      // A gradient's sign says which way a nudge moves the loss, not what causes it: said so in the caption.
      const sign = 'red: raising this value would raise the loss; blue: raising it would lower it';
      draw(t.outputGradient, index === state.model.layers.length - 1
        ? `dL/dlogits = P − Y (${sign})`
        : `dL/d(output) (${sign}; largest |value| ${SN.format(SN.maxAbs(t.outputGradient), 3)})`);
    }
    return box;
  }

  function render(trace) {
    const [w, h] = side(trace.inputShape);
    SN.drawGrid($('explore-input'), trace.input, w, h, 'ink', 1);
    const p = trace.probabilities[trace.predicted];
    $('prediction').textContent = `Prediction: ${className(trace.predicted)} (p = ${p.toFixed(3)})`;
    $('prediction').dataset.predicted = String(trace.predicted);
    bars($('probabilities'), trace.probabilities, { best: trace.predicted, what: 'class' });
    const backward = trace.label !== null && trace.label !== undefined;
    $('loss-output').textContent = backward ? `loss = −log p[${className(trace.label)}] = ${trace.loss.toFixed(4)}` : '';
    const layers = $('layers');
    layers.textContent = '';
    trace.layers.forEach((t, i) => layers.append(layerPanel(t, i, backward)));
    $('saliency-panel').hidden = !backward;
    if (backward) { SN.drawGrid($('saliency'), trace.inputGradient, w, h, 'diverging'); }
  }

  async function showUnit(layer, unit) {
    $('unit-layer').value = String(layer);
    $('unit-index').value = String(unit);
    state.selected = { layer, unit };
    try {
      const u = await SN.getJson('api/model/weights' + query({ layer, unit }));
      const [w, h] = side(u.inputShape);
      const c = $('unit-weights');
      if (h > 1) { c.width = 196; c.height = 196; SN.drawGrid(c, u.weights, w, h, 'diverging'); } else { SN.drawVector(c, u.weights, { width: 240, columns: 16 }); }
      $('unit-caption').textContent = `${u.layerName} unit ${u.unit}: ${u.weights.length} incoming weights (largest |w| ${SN.format(SN.maxAbs(u.weights), 3)}), bias ${SN.format(u.bias, 3)}`;
      if (state.trace) { render(state.trace); }
    } catch (e) { status(e.message, true); }
  }

  async function selectModel(run) {
    state.run = run || null;
    $('model-select').value = run || '';
    try {
      state.model = await SN.getJson('api/model' + query());
    } catch (e) { state.model = null; status(e.message, true); return; }
    status(`${state.model.source}: ${state.model.layers.length} layers, ${state.model.parameterCount.toLocaleString('en')} parameters. Draw a digit.`);
    const labels = $('label-select');
    const chosen = labels.value;
    labels.length = 1;
    for (let k = 0; k < state.model.classes; k++) { labels.add(new Option(className(k), String(k))); }
    const [w, h] = side(state.model.inputShape);
    $('input-caption').textContent = h > 1 ? `Preprocessed ${w} × ${h} input (made as predict makes it)` : `Input: ${w} values (no image fits this model)`;
    labels.value = chosen && Number(chosen) < state.model.classes ? chosen : '';
    const unitLayer = $('unit-layer');
    unitLayer.length = 0;
    state.model.layers.filter(l => l.kind === 'dense').forEach(l => unitLayer.add(new Option(`${l.name} (${l.outputs} units)`, String(l.index))));
    state.selected = null;
    showEmpty();
    update();
  }

  // A run chosen in the runs view: opened now if the explorer is running, else when it starts.
  SN.selectModel = function (run) {
    if (SN.startExplorer.started) { return selectModel(run); }
    state.pending = run;
    return Promise.resolve();
  };

  SN.startExplorer = async function () {
    if (SN.startExplorer.started) { return; }
    SN.startExplorer.started = true;
    setUpDrawing();
    $('label-select').addEventListener('change', () => update());
    $('model-select').addEventListener('change', e => selectModel(e.target.value));
    $('unit-show').addEventListener('click', () => showUnit(Number($('unit-layer').value), Number($('unit-index').value)));
    let models = [];
    try { models = await SN.getJson('api/models'); } catch (e) { status(e.message, true); return; }
    const select = $('model-select');
    select.length = 0;
    models.forEach(m => select.add(new Option(m.run ? `run ${m.label}` : `${m.label} (--model)`, m.run || '')));
    if (!models.length) { status('No model to explore: start serve --model FILE, or train a run first.', true); return; }
    await selectModel(state.pending !== undefined ? state.pending : models[0].run);
  };

})(window.SN);
