// Drawing at most a few times a second: updates arriving faster (hundreds of batches a second on short epochs) only change
// the data, and the page draws the latest state on the next animation frame at least SN.later.every ms after the last
// drawing. A hidden tab draws nothing until it is shown again.
'use strict';
window.SN = window.SN || {};
(function (SN) {
  const jobs = new Map();
  let timer = null;
  let last = -Infinity;

  // Runs job with the next drawing; a later job with the same key replaces it (only the latest state is drawn).
  SN.later = function (key, job) {
    jobs.set(key, job);
    if (timer === null) {
      timer = setTimeout(() => requestAnimationFrame(SN.later.flush), Math.max(0, last + SN.later.every - performance.now()));
    }
  };
  SN.later.every = 250;

  // Draws now what is waiting (before a state that must not be overwritten by an older drawing, as the end of a run).
  SN.later.flush = function () {
    clearTimeout(timer);
    timer = null;
    last = performance.now();
    const todo = Array.from(jobs.values());
    jobs.clear();
    todo.forEach(job => job());
  };

  // Forgets what is waiting (the page starts over).
  SN.later.cancel = function () { jobs.clear(); };
})(window.SN);
