// The live view: listens to the training run's Server-Sent Events and draws each update as it arrives.
'use strict';
(function (SN) {
  const $ = id => document.getElementById(id);
  const state = { run: null, lastId: 0, charts: null, ratioNames: null, source: null };

  const heldOut = () => (state.run && state.run.heldOut) || 'validation';

  function charts() {
    if (state.charts) { return state.charts; }
    state.charts = {
      loss: new SN.Chart($('chart-loss'), [{ label: 'train loss' }, { label: 'held-out loss' }], { wholeX: true }),
      accuracy: new SN.Chart($('chart-accuracy'), [{ label: 'train accuracy' }, { label: 'held-out accuracy' }], { wholeX: true }),
      batch: new SN.Chart($('chart-batch'), [{ label: 'train loss (smoothed)' }], { points: false }),
      lr: new SN.Chart($('chart-lr'), [{ label: 'learning rate' }], { points: false }),
      ratio: new SN.Chart($('chart-ratio'), [], { log: true, points: false }),
    };
    return state.charts;
  }

  function reset(run) {
    const c = charts();
    Object.values(c).forEach(chart => chart.clear());
    c.ratio.set([], [[]]);
    state.ratioNames = null;
    state.run = run;
    document.querySelector('#table-parameters tbody').textContent = '';
    document.querySelector('#table-activations tbody').textContent = '';
    $('live-mistakes').textContent = '';
  }

  const handlers = {
    run(run) {
      reset(run);
      const sizes = [run.layers.length ? run.layers[0].inputs : 0].concat(run.layers.filter(l => l.kind === 'dense').map(l => l.outputs));
      $('live-status').textContent = `Training [${sizes.join(', ')}] (${run.parameterCount.toLocaleString('en')} parameters) for ${run.epochs} epochs on ${run.trainRows.toLocaleString('en')} rows, judged on ${run.validationRows.toLocaleString('en')} ${run.heldOut} rows.`;
      document.querySelectorAll('.held-out').forEach(el => { el.textContent = run.heldOut; });
      $('fact-epoch').textContent = `${run.firstEpoch} / ${run.epochs}`;
    },
    batch(p) {
      const run = state.run;
      const x = run ? p.step / run.batchesPerEpoch : p.step;
      charts().batch.push(x, [p.loss]);
      charts().lr.push(x, [p.learningRate]);
      $('fact-loss').textContent = SN.format(p.loss);
      $('fact-lr').textContent = SN.format(p.learningRate, 5);
      $('fact-speed').textContent = Math.round(p.samplesPerSecond).toLocaleString('en');
      $('fact-eta').textContent = SN.duration(p.etaSeconds);
      if (run) { $('fact-epoch').textContent = `${p.epoch} / ${run.epochs}`; }
    },
    epoch(p) {
      charts().loss.push(p.epoch, [p.trainLoss, p.validationLoss]);
      charts().accuracy.push(p.epoch, [p.trainAccuracy, p.validationAccuracy]);
      $('fact-accuracy').textContent = SN.format(p.validationAccuracy);
      if (state.run) { $('fact-epoch').textContent = `${p.epoch} / ${state.run.epochs}`; }
      if (p.etaSeconds !== undefined && p.epoch < (state.run ? state.run.epochs : Infinity)) { $('fact-eta').textContent = SN.duration(p.etaSeconds); }
    },
    layers(p) {
      const body = document.querySelector('#table-parameters tbody');
      body.textContent = '';
      for (const q of p.parameters) {
        const row = body.insertRow();
        row.insertCell().textContent = q.parameter;
        row.insertCell().textContent = SN.format(q.weightNorm);
        row.insertCell().textContent = SN.format(q.gradientNorm);
        row.insertCell().textContent = SN.format(q.updateRatio);
      }
      const names = p.parameters.map(q => q.parameter);
      const c = charts().ratio;
      if (!state.ratioNames || state.ratioNames.join() !== names.join()) {
        state.ratioNames = names;
        c.set(names.map(n => ({ label: n })), [[]].concat(names.map(() => [])));
      }
      const x = state.run ? p.step / state.run.batchesPerEpoch : p.step;
      c.push(x, p.parameters.map(q => (q.updateRatio && q.updateRatio > 0 ? q.updateRatio : null)));
    },
    activations(p) {
      const body = document.querySelector('#table-activations tbody');
      body.textContent = '';
      for (const a of p.layers) {
        const row = body.insertRow();
        row.insertCell().textContent = `${a.layer} (${a.activation})`;
        row.insertCell().textContent = a.deadUnits === null ? 'n/a' : `${a.deadUnits} / ${a.units} (${(100 * a.deadShare).toFixed(1)} %)`;
        row.insertCell().textContent = `${(100 * a.inactiveShare).toFixed(1)} %`;
      }
      document.querySelector('#table-activations').caption || document.querySelector('#table-activations').createCaption();
      document.querySelector('#table-activations').caption.textContent = `Dead ReLUs after epoch ${p.epoch}, on ${p.probeRows} ${heldOut()} rows`;
    },
    weights(p) {
      SN.drawWeightTiles($('live-weights'), p);
      $('weights-caption').textContent = `${p.layer}'s weights after epoch ${p.epoch}: one tile per ${p.side > 0 && p.inputs === p.side * p.side && p.inputs < 64 ? 'filter (output channel × input channel)' : 'hidden unit'} (${p.units} of ${p.totalUnits}; red positive, blue negative, each tile scaled to its own largest |w|)`;
    },
    confusion(p) {
      SN.drawConfusion($('live-confusion'), p.counts, p.classNames);
      $('confusion-caption').textContent = `Confusion matrix of the ${heldOut()} pass after epoch ${p.epoch} (rows true, columns predicted; colour: share of the row)`;
    },
    mistakes(p) {
      const box = $('live-mistakes');
      box.textContent = '';
      for (const m of p.items) {
        const figure = document.createElement('figure');
        figure.className = 'tile';
        const canvas = document.createElement('canvas');
        const side = p.side || 28;
        canvas.width = side; canvas.height = side;
        const bytes = SN.base64Bytes(m.pixels);
        SN.drawGrid(canvas, Array.from(bytes, b => b / 255), side, side, 'ink');
        const name = i => (p.classNames[i] !== undefined ? p.classNames[i] : i);
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', `row ${m.row}: a ${name(m.label)} read as ${name(m.predicted)}`);
        const caption = document.createElement('figcaption');
        caption.textContent = `${name(m.label)} → ${name(m.predicted)} (${m.confidence.toFixed(2)})`;
        figure.append(canvas, caption);
        box.append(figure);
      }
      $('mistakes-caption').textContent = `Worst mistakes of the ${heldOut()} pass after epoch ${p.epoch}: true → predicted (confidence)`;
    },
    end(p) {
      $('live-status').textContent = p.interrupted
        ? `Training was interrupted after ${p.epochs} epochs.`
        : `Training finished: ${p.epochs} epochs, ${heldOut()} accuracy ${SN.format(p.validationAccuracy)}, loss ${SN.format(p.validationLoss)}. Browse it later with serve.`;
      $('fact-eta').textContent = '0:00';
      if (state.source) { state.source.close(); }
    },
  };

  // Replayed history and live updates arrive the same way; an update seen before (after a reconnect) is skipped.
  SN.startLive = function () {
    if (state.source) { return; }
    charts();
    const source = new EventSource('api/live/events');
    state.source = source;
    Object.keys(handlers).forEach(type => source.addEventListener(type, event => {
      const id = Number(event.lastEventId || 0);
      if (id && id <= state.lastId) { return; }
      state.lastId = id || state.lastId;
      handlers[type](JSON.parse(event.data));
    }));
  };
})(window.SN);
