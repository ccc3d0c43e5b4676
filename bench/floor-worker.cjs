// A worker of the Node floor (bench/floor.mjs): loads the addon and ends. CommonJS, the cheapest
// way a worker starts (an ES module costs it Node's ESM loader, ~6 ms of CPU), as mpitorrent's
// bundled workers do.
'use strict';
const path = require('node:path');

require(
  process.env.MPITORRENT_ADDON
    ? path.resolve(process.env.MPITORRENT_ADDON)
    : path.join(__dirname, '..', 'build', 'Release', 'mpi.node'),
);
