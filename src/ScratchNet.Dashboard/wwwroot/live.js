// The live view: listens to the training run's Server-Sent Events, keeps each update, and draws the latest state a few
// times a second (SN.later), not once per update. After a run ends it keeps listening, so it follows the next run on
// this address (a resumed one, say) while showing how the last one ended until then.
'use strict';
(function (SN) {
  const $ = id => document.getElementById(id);
  const state = { run: null, stream: null, lastId: 0, charts: null, ratioNames: null, source: null, ended: false, lost: null, facts: {} };

  // The figures in the header, written with the next drawing (the latest value of each).
  function fact(values) {
    Object.assign(state.facts, values);
    SN.later('facts', () => { Object.entries(state.facts).forEach(([id, text]) => { $(id).textContent = text; }); state.facts = {}; });
  }

  // The page's own title, said again when a server with no run on the page is found again.
  const title = document.title;
  const heldOut = () => (state.run && state.run.heldOut) || 'held-out';
  const epochs = n => `${n} epoch${n === 1 ? '' : 's'}`;

  function charts() {
    if (state.charts) { return state.charts; }
    state.charts = {
      // The train figures are means over the epoch's batches while the network learned, so they are drawn mid-epoch
      // (epoch − 0.5); the held-out figures are measured after the epoch, at its end.
      loss: new SN.Chart($('chart-loss'), [{ label: 'train loss (epoch mean, mid-epoch)' }, { label: 'held-out loss (after the epoch)' }], { wholeX: true }),
      accuracy: new SN.Chart($('chart-accuracy'), [{ label: 'train accuracy (epoch mean, mid-epoch)' }, { label: 'held-out accuracy (after the epoch)' }], { wholeX: true }),
      batch: new SN.Chart($('chart-batch'), [{ label: 'train loss (smoothed)' }], { points: false }),
      lr: new SN.Chart($('chart-lr'), [{ label: 'learning rate' }], { points: false }),
      ratio: new SN.Chart($('chart-ratio'), [], { log: true, points: false }),
    };
    return state.charts;
  }

  function reset(run) {
    SN.later.cancel();
    state.facts = {};
    const c = charts();
    Object.values(c).forEach(chart => chart.clear());
    c.ratio.set([], [[]]);
    state.ratioNames = null;
    state.run = run;
    state.ended = false;
    SN.runEnded = false;
    SN.endBrowse = null;
    state.lost = null;
    document.querySelector('#table-parameters tbody').textContent = '';
    statisticsNote(run ? pendingStatistics(run) : 'No measurement yet.');
    document.querySelector('#table-activations tbody').textContent = '';
    $('live-mistakes').textContent = '';
    $('live-weights').getContext('2d').clearRect(0, 0, $('live-weights').width, $('live-weights').height);
    SN.clearConfusion($('live-confusion'));
    ['fact-epoch', 'fact-loss', 'fact-accuracy', 'fact-lr', 'fact-speed', 'fact-eta'].forEach(id => { $(id).textContent = '–'; });
  }

  // Until the first per-layer measurement, the panel says when it comes, or why it never will.
  function pendingStatistics(run) {
    const every = run.statisticsEveryBatches;
    if (!every) { return 'No measurement yet.'; }
    const total = run.epochs * run.batchesPerEpoch;
    const done = (run.firstEpoch - 1) * run.batchesPerEpoch;
    const first = (Math.floor(done / every) + 1) * every;
    return first <= total
      ? `Measured every ${every.toLocaleString('en')} batches; the first measurement comes after batch ${first.toLocaleString('en')} of ${total.toLocaleString('en')}.`
      : `This run is too short to measure: it trains ${(total - done).toLocaleString('en')} batch${total - done === 1 ? '' : 'es'}, and a measurement comes every ${every.toLocaleString('en')}.`;
  }

  function statisticsNote(text) {
    ['statistics-note', 'ratio-note'].forEach(id => { $(id).textContent = text || ''; $(id).hidden = !text; });
  }

  // How the run ended, in the log's words where it gave some (a divergence names the epoch, the batch and what to change).
  function ending(p) {
    const numbers = `${heldOut()} accuracy ${SN.format(p.validationAccuracy)}, loss ${SN.format(p.validationLoss)}`;
    // The log's command, carried by the end itself (an answer to the page's own request may come later, or not at all):
    // serve alone browses the default folder only.
    SN.endBrowse = p.browse || null;
    const browse = `Browse it later with ${SN.endBrowse || SN.browseCommand || 'serve'}.`;
    switch (p.outcome) {
      case 'stopped-early': return `Training stopped early after ${p.epochs} of ${state.run ? epochs(state.run.epochs) : '? epochs'} (no improvement within the early-stopping patience); the model keeps its best epoch's weights: ${numbers}. ${browse}`;
      case 'interrupted': return `Training was interrupted after ${epochs(p.epochs)}. Continue it with train --resume (the log gives the exact command).`;
      case 'diverged': return p.message || `Training diverged after ${epochs(p.epochs)}.`;
      case 'failed': return `Training failed after ${epochs(p.epochs)}: ${p.message || 'see the log'}`;
      default: return `Training finished: ${epochs(p.epochs)}, ${numbers}. ${browse}`;
    }
  }

  const handlers = {
    run(run) {
      reset(run);
      // A later process on this address may train into another runs folder: the end names the folder to browse.
      SN.getJson('api/live').then(s => { SN.browseCommand = s.browse; }).catch(() => {});
      const resumed = run.firstEpoch > 1 ? `, resumed at epoch ${run.firstEpoch}` : '';
      $('live-status').textContent = `Training ${run.network} (${run.parameterCount.toLocaleString('en')} parameters) for ${epochs(run.epochs)} on ${run.trainRows.toLocaleString('en')} rows${resumed}, judged on ${run.validationRows.toLocaleString('en')} ${run.heldOut} rows.`;
      document.title = 'ScratchNet: training';
      document.querySelectorAll('.held-out').forEach(el => { el.textContent = run.heldOut; });
      // The legends name the set as the captions do ("test loss"), not "held-out" beside a caption saying "test".
      const c = charts();
      c.loss.set([c.loss.series[0], { label: `${run.heldOut} loss (after the epoch)` }], c.loss.columns);
      c.accuracy.set([c.accuracy.series[0], { label: `${run.heldOut} accuracy (after the epoch)` }], c.accuracy.columns);
      fact({ 'fact-epoch': `${run.firstEpoch} / ${run.epochs}` });
      if (SN.liveRunStarted) { SN.liveRunStarted(); }
    },
    batch(p) {
      const run = state.run;
      const x = run ? p.step / run.batchesPerEpoch : p.step;
      charts().batch.push(x, [p.loss]);
      charts().lr.push(x, [p.learningRate]);
      fact({ 'fact-loss': SN.format(p.loss), 'fact-lr': SN.format(p.learningRate, 5), 'fact-speed': Math.round(p.samplesPerSecond).toLocaleString('en'), 'fact-eta': SN.duration(p.etaSeconds) });
      if (run) { fact({ 'fact-epoch': `${p.epoch} / ${run.epochs}` }); }
    },
    epoch(p) {
      charts().loss.push(p.epoch - 0.5, [p.trainLoss, null]);
      charts().loss.push(p.epoch, [null, p.validationLoss]);
      charts().accuracy.push(p.epoch - 0.5, [p.trainAccuracy, null]);
      charts().accuracy.push(p.epoch, [null, p.validationAccuracy]);
      fact({ 'fact-accuracy': SN.format(p.validationAccuracy) });
      if (state.run) { fact({ 'fact-epoch': `${p.epoch} / ${state.run.epochs}` }); }
      if (p.etaSeconds !== undefined && p.epoch < (state.run ? state.run.epochs : Infinity)) { fact({ 'fact-eta': SN.duration(p.etaSeconds) }); }
    },
    layers(p) {
      const names = p.parameters.map(q => q.parameter);
      const c = charts().ratio;
      if (!state.ratioNames || state.ratioNames.join() !== names.join()) {
        state.ratioNames = names;
        c.set(names.map(n => ({ label: n })), [[]].concat(names.map(() => [])));
      }
      const x = state.run ? p.step / state.run.batchesPerEpoch : p.step;
      c.push(x, p.parameters.map(q => (q.updateRatio && q.updateRatio > 0 ? q.updateRatio : null)));
      SN.later('layers', () => drawLayers(p));
    },
    activations(p) { SN.later('activations', () => drawActivations(p)); },
    weights(p) { SN.later('weights', () => drawWeights(p)); },
    confusion(p) { SN.later('confusion', () => drawConfusion(p)); },
    mistakes(p) { SN.later('mistakes', () => drawMistakes(p)); },
    end(p) {
      // What is waiting is drawn first: the end is the last word.
      SN.later.flush();
      state.ended = true;
      SN.runEnded = true;
      $('live-status').textContent = ending(p);
      $('live-status').dataset.outcome = p.outcome;
      const completed = p.outcome === 'finished' || p.outcome === 'stopped-early';
      $('fact-eta').textContent = completed ? '0:00' : '–';
      if (!completed) { $('fact-speed').textContent = '–'; }
      document.title = `ScratchNet: ${p.outcome === 'stopped-early' ? 'stopped early' : p.outcome}`;
      // The stream stays open: when this process is gone it reconnects, and a later run on this address starts the page over.
    },
  };

  function drawLayers(p) {
    statisticsNote('');
    const body = document.querySelector('#table-parameters tbody');
    body.textContent = '';
    for (const q of p.parameters) {
      const row = body.insertRow();
      row.insertCell().textContent = q.parameter;
      row.insertCell().textContent = SN.format(q.weightNorm);
      row.insertCell().textContent = SN.format(q.gradientNorm);
      row.insertCell().textContent = SN.format(q.updateRatio);
    }
    ($('table-parameters').caption || $('table-parameters').createCaption()).textContent = `Latest measurement: after batch ${p.step.toLocaleString('en')} of the run (epoch ${p.epoch})`;
  }

  function drawActivations(p) {
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
  }

  function drawWeights(p) {
    SN.drawWeightTiles($('live-weights'), p);
    const when = p.epoch === 0 ? 'at initialisation' : `after epoch ${p.epoch}`;
    const tile = p.kind === 'conv' ? 'filter (output channel × input channel)' : 'hidden unit';
    $('weights-caption').textContent = `${p.layer}'s weights ${when}: one tile per ${tile} (${p.units} of ${p.totalUnits}; red positive, blue negative, each tile scaled to its own largest |w|)`;
  }

  function drawConfusion(p) {
    SN.drawConfusion($('live-confusion'), p.counts, p.classNames);
    SN.confusionTable($('live-confusion-table'), p.counts, p.classNames);
    $('confusion-caption').textContent = `Confusion matrix of the ${heldOut()} pass after epoch ${p.epoch} (rows true, columns predicted; ${SN.confusionScale})`;
  }

  function drawMistakes(p) {
    const box = $('live-mistakes');
    box.textContent = '';
    for (const m of p.items) {
      const figure = document.createElement('figure');
      figure.className = 'tile';
      const canvas = document.createElement('canvas');
      canvas.width = p.width; canvas.height = p.height;
      const bytes = SN.base64Bytes(m.pixels);
      SN.drawGrid(canvas, Array.from(bytes, b => b / 255), p.width, p.height, 'ink');
      const name = i => (p.classNames[i] !== undefined ? p.classNames[i] : i);
      canvas.setAttribute('role', 'img');
      const where = `row ${m.row} of the ${heldOut()} split` + (m.source ? `, ${m.source} in the data files` : '');
      canvas.setAttribute('aria-label', `${where}: a ${name(m.label)} read as ${name(m.predicted)}`);
      figure.title = where;
      // Focusable, so a keyboard or a tap shows where the image is (the CSS shows .where on focus and on hover).
      figure.tabIndex = 0;
      const caption = document.createElement('figcaption');
      caption.textContent = `${name(m.label)} → ${name(m.predicted)} (${m.confidence.toFixed(2)})`;
      const place = document.createElement('span');
      place.className = 'where';
      place.textContent = where;
      caption.append(place);
      figure.append(canvas, caption);
      box.append(figure);
    }
    $('mistakes-caption').textContent = `Worst mistakes of the ${heldOut()} pass after epoch ${p.epoch}: true → predicted (confidence); point at one, tap it or tab to it for its row in the ${heldOut()} split and its place in the data files`;
  }

  // serve holds its port, so no training can report to its page: say how to watch one (on a port of its own).
  SN.serving = function (port) {
    state.serving = true;
    SN.servingMode = true;
    const other = port === 5757 ? 5758 : 5757;
    $('live-status').textContent = `serve shows saved runs (the Runs tab); no training reports to it, and train --dashboard cannot use this port while serve holds it. To watch a run live, start train --dashboard --Dashboard:Port=${other} and open http://127.0.0.1:${other}/.`;
  };

  // The server went away with no run on the page (serve stopped, or training before its first update): say so.
  function serverStopped() {
    if (state.lost !== null) { return; }
    state.lost = $('live-status').textContent;
    $('live-status').textContent = SN.stoppedNotice();
    $('live-status').dataset.outcome = 'lost';
    document.title = 'ScratchNet: server stopped';
  }

  // A refusal said is taken back once the server cannot be reached at all: that is what the page says then.
  function unrefuse() {
    if ($('live-status').dataset.outcome !== 'refused') { return; }
    $('live-status').textContent = state.lost;
    delete $('live-status').dataset.outcome;
    state.lost = null;
  }

  // A run that ends without an end event (killed, crashed) leaves the stream to fail: say so, and stop the clock.
  function lost() {
    unrefuse();
    if (!state.run && !state.ended) { serverStopped(); return; }
    if (!state.run || state.ended || state.lost !== null) { return; }
    state.lost = $('live-status').textContent;
    $('live-status').textContent = 'Lost the connection to the training process: it stopped, crashed or was killed (the log says which). The charts keep what arrived; the page reconnects if a run starts again at this address.';
    $('live-status').dataset.outcome = 'lost';
    fact({ 'fact-eta': '–', 'fact-speed': '–' });
    document.title = 'ScratchNet: connection lost';
  }

  function found() {
    if (state.lost === null) { return; }
    $('live-status').textContent = state.lost;
    delete $('live-status').dataset.outcome;
    document.title = state.run ? 'ScratchNet: training' : title;
    state.lost = null;
  }

  // Ids are "stream-number". Numbers start again in every process, so a new stream (a later run on the same port) starts the
  // page over; within one stream, an update seen before (replayed after a reconnect) is skipped.
  function fresh(lastEventId) {
    const text = String(lastEventId || '');
    const dash = text.lastIndexOf('-');
    const stream = dash < 0 ? '' : text.slice(0, dash);
    const number = Number(dash < 0 ? text : text.slice(dash + 1)) || 0;
    if (stream !== state.stream) {
      if (state.stream !== null) { reset(null); $('live-status').textContent = 'A new run reports to this address.'; }
      state.stream = stream;
      state.lastId = 0;
    } else if (number && number <= state.lastId) {
      return false;
    }
    state.lastId = Math.max(state.lastId, number);
    return true;
  }

  // The server answered the feed's request with a refusal (a 503 when every live-feed place is taken): that is no stopped
  // server. Its reason is shown as its own sentence, as the server wrote it, and the feed is asked again after the
  // server's Retry-After.
  function refused(reason, seconds) {
    if (state.lost === null) { state.lost = $('live-status').textContent; }
    $('live-status').textContent = `This page does not follow the training: the server turned its live feed away. ${SN.sentence(reason)} This page asks again in ${seconds} s.`;
    $('live-status').dataset.outcome = 'refused';
    clearTimeout(state.retry);
    state.retry = setTimeout(connect, seconds * 1000);
  }

  // EventSource does not say why it gave up: a refusal (any answer but a stream) closes it for good, while a server that
  // cannot be reached leaves it reconnecting. A closed feed asks once more by fetch, to read the answer and its reason.
  async function whyClosed() {
    const abort = new AbortController();
    const patience = setTimeout(() => abort.abort(), 5000);
    let response;
    try {
      response = await fetch('api/live/events', { signal: abort.signal, headers: { Accept: 'text/event-stream' } });
    } catch (e) {
      clearTimeout(patience);
      // A fetch abandoned after waiting got an answer that was slow to start, not no answer: try the feed again.
      if (abort.signal.aborted) { connect(); return; }
      SN.serverGone(true);
      lost();
      // A server that comes back is found again, as an EventSource's own retries would.
      clearTimeout(state.retry);
      state.retry = setTimeout(connect, 3000);
      return;
    }
    clearTimeout(patience);
    SN.serverGone(false);
    // Let in now (a place came free), or a stream the EventSource would not take (a proxy's answer): asked again in a
    // while, not at once, so the second cannot loop.
    if (response.ok) { abort.abort(); clearTimeout(state.retry); state.retry = setTimeout(connect, 3000); return; }
    const reason = await SN.reason(response);
    refused(reason, Math.min(60, Math.max(1, Number(response.headers.get('Retry-After')) || 10)));
  }

  function connect() {
    if (state.source) { state.source.close(); }
    const source = new EventSource('api/live/events');
    state.source = source;
    source.addEventListener('error', () => {
      if (source !== state.source) { return; }
      if (source.readyState === EventSource.CLOSED) { whyClosed(); return; }
      // Reconnecting: the server cannot be reached. The other tabs say so too: their requests would fail one by one.
      SN.serverGone(true);
      lost();
    });
    source.addEventListener('open', () => { SN.serverGone(false); found(); });
    Object.keys(handlers).forEach(type => source.addEventListener(type, event => {
      if (fresh(event.lastEventId)) { handlers[type](JSON.parse(event.data)); }
    }));
  }

  SN.startLive = function () {
    if (state.source) { return; }
    charts();
    connect();
  };

  // serve has no live feed (no training reports to it), so the page does not take one of its places: it asks api/live
  // every few seconds instead, to say when the server stops, and when it is back.
  SN.watchServer = function () {
    charts();
    const ask = () => fetch('api/live', { cache: 'no-store' })
      .then(() => { SN.serverGone(false); found(); }, () => { SN.serverGone(true); lost(); })
      .finally(() => { clearTimeout(state.retry); state.retry = setTimeout(ask, 3000); });
    ask();
  };
})(window.SN);
