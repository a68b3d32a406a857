// Jest's own order (failed first, then the longest by the timings it cached, else the largest file), with the
// local-pipeline suites moved to the front: on a fresh clone there are no cached timings, and test/local-pipeline/
// runs every pipeline's Spark jobs for minutes, so started last it would run alone after every other suite ended.
const Sequencer = require("@jest/test-sequencer").default;
const path = require("node:path");

const SLOW = [`${path.sep}test${path.sep}local-pipeline${path.sep}`];

class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    const ordered = super.sort(tests);
    const slow = (test) => SLOW.some((dir) => test.path.includes(dir));
    return [...ordered.filter(slow), ...ordered.filter((test) => !slow(test))];
  }
}

module.exports = SlowFirstSequencer;
