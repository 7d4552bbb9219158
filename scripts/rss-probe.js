// Preloaded (node -r) by scripts/bench.js: records the process's peak resident set size on exit.
'use strict';
const fs = require('fs');
process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) {
    fs.writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
  }
});
