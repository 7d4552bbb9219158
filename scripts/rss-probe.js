// Preloaded (node -r) by scripts/bench.js: records the process's peak resident set size and its
// CPU time on exit.
'use strict';
const fs = require('fs');
process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) {
    const usage = process.resourceUsage();
    fs.writeFileSync(
      process.env.BENCH_RSS_FILE,
      JSON.stringify({ maxRssKiB: usage.maxRSS, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 }),
    );
  }
});
