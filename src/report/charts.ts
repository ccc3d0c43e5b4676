/**
 * The report's charts as Vega-Lite specs, from shaped data (shape.ts). Each mark layer has a
 * name, so its SVG group is `g.role-mark.<name>_marks` (the tests count marks by it).
 */
import type { TopLevelSpec } from 'vega-lite';

import type { BadData, LoadSpread, StageProgress, Timeline, TransferCell } from './shape.js';

/** The mark layers of each chart, by the name their SVG group carries. */
export const MARKS = {
  transfers: 'cells',
  transferCounts: 'counts',
  completions: 'completions',
  makespan: 'makespan',
  uploads: 'uploads',
  mean: 'mean',
  badSegments: 'bad',
  progress: 'progress',
  slowest: 'slowest',
  lowerBound: 'lowerbound',
} as const;

const WIDTH = 640;
const CONFIG = {
  font: 'sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
} as const;

/** A rule across the chart at x (or y) = value, with a label next to it. */
function ruleLayers(name: string, axis: 'x' | 'y', value: number, label: string, color: string, labelRow = 0) {
  const position = { field: 'value', type: 'quantitative' } as const;
  return [
    {
      name,
      data: { values: [{ value, label }] },
      mark: { type: 'rule', color, strokeWidth: 2, strokeDash: [6, 3] },
      encoding: { [axis]: position },
    },
    {
      data: { values: [{ value, label }] },
      mark:
        axis === 'x'
          ? { type: 'text', color, align: 'right', baseline: 'top', dx: -4, y: 2 + 16 * labelRow, fontWeight: 'bold' }
          : { type: 'text', color, align: 'right', baseline: 'bottom', dy: -3, x: 'width', fontWeight: 'bold' },
      encoding: { [axis]: position, text: { field: 'label' } },
    },
  ];
}

/** Rows senders, columns receivers, colour the segments sent; counts written in small swarms. */
export function transferChart(cells: TransferCell[]): TopLevelSpec {
  const peers = Math.round(Math.sqrt(cells.length));
  const step = Math.max(14, Math.min(44, Math.floor(WIDTH / Math.max(1, peers))));
  const max = Math.max(1, ...cells.map((cell) => cell.sent));
  const layers: object[] = [
    {
      name: MARKS.transfers,
      mark: { type: 'rect', stroke: '#fff', strokeWidth: 1 },
      encoding: {
        color: {
          condition: { test: 'datum.sent === 0', value: '#f3f4f6' },
          field: 'sent',
          type: 'quantitative',
          title: 'segments sent',
          scale: { scheme: 'blues', domainMin: 0 },
        },
      },
    },
  ];
  if (peers <= 16) {
    layers.push({
      name: MARKS.transferCounts,
      mark: { type: 'text', fontSize: 10 },
      transform: [{ calculate: "datum.sent === 0 ? '' : datum.sent", as: 'label' }],
      encoding: {
        text: { field: 'label' },
        color: { condition: { test: `datum.sent > ${max / 2}`, value: 'white' }, value: '#222' },
      },
    });
  }
  return {
    config: CONFIG,
    description: 'Segments sent by each peer (rows) to each peer (columns)',
    data: { values: cells },
    width: { step },
    height: { step },
    encoding: {
      x: { field: 'to', type: 'ordinal', title: 'receiver (rank)', axis: { orient: 'top', labelAngle: 0 } },
      y: { field: 'from', type: 'ordinal', title: 'sender (rank)' },
    },
    layer: layers,
  } as TopLevelSpec;
}

/** One dot per (peer, file) completion; the makespan as a rule. */
export function timelineChart(timeline: Timeline): TopLevelSpec {
  const peers = timeline.ranks.length;
  const legend = { symbolLimit: 0, columns: timeline.files.length > 24 ? 2 : 1 };
  return {
    config: CONFIG,
    description: 'When each peer completed each file, with the makespan',
    width: WIDTH,
    height: Math.max(80, 26 * peers),
    layer: [
      {
        name: MARKS.completions,
        data: { values: timeline.completions },
        mark: { type: 'point', filled: true, size: 90, opacity: 0.85 },
        encoding: {
          x: { field: 'seconds', type: 'quantitative', title: 'seconds after the tracker started' },
          y: { field: 'rank', type: 'ordinal', title: 'peer (rank)', scale: { domain: timeline.ranks } },
          // Colour and shape together tell up to 40 files apart; every file in the legend.
          color: {
            field: 'file',
            type: 'nominal',
            title: 'file',
            scale: { domain: timeline.files, scheme: 'tableau10' },
            legend: legend,
          },
          shape: { field: 'file', type: 'nominal', title: 'file', scale: { domain: timeline.files }, legend: legend },
        },
      },
      ...ruleLayers(MARKS.makespan, 'x', timeline.makespan, `makespan ${timeline.makespan.toFixed(3)} s`, '#c0392b'),
    ],
  } as TopLevelSpec;
}

/** Segments uploaded per peer, the mean as a rule. */
export function uploadsChart(spread: LoadSpread): TopLevelSpec {
  return {
    config: CONFIG,
    description: 'Segments uploaded by each peer, against the mean',
    width: WIDTH,
    height: 220,
    layer: [
      {
        name: MARKS.uploads,
        data: { values: spread.bars },
        mark: { type: 'bar', color: '#4c78a8' },
        encoding: {
          x: { field: 'rank', type: 'ordinal', title: 'peer (rank)', axis: { labelAngle: 0 } },
          y: { field: 'uploads', type: 'quantitative', title: 'segments uploaded' },
        },
      },
      ...ruleLayers(MARKS.mean, 'y', spread.mean, `mean ${spread.mean.toFixed(1)}`, '#c0392b'),
    ],
  } as TopLevelSpec;
}

/** Bad segments by sender (a bar each), stacked by receiver. */
export function badDataChart(bad: BadData): TopLevelSpec {
  const senders = new Set(bad.segments.map((entry) => entry.from)).size;
  return {
    config: CONFIG,
    description: 'Bad segments received, by sender and receiver',
    width: 420,
    height: Math.max(90, 30 * senders),
    name: MARKS.badSegments,
    data: { values: bad.segments },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'from', type: 'ordinal', title: 'sender (rank)' },
      x: { field: 'segments', type: 'quantitative', title: 'bad segments received' },
      color: { field: 'to', type: 'nominal', title: 'receiver (rank)', scale: { scheme: 'reds' } },
    },
  } as TopLevelSpec;
}

/** Bytes done over time, one line per node; the slowest node drawn bold; T* when known. */
export function stageChart(progress: StageProgress): TopLevelSpec {
  const layers: object[] = [
    {
      name: MARKS.progress,
      data: { values: progress.samples },
      mark: { type: 'line', interpolate: 'linear' },
      encoding: {
        x: { field: 'seconds', type: 'quantitative', title: 'seconds after the start' },
        y: { field: 'bytes', type: 'quantitative', title: 'bytes done', axis: { format: '~s' } },
        detail: { field: 'node', type: 'nominal' },
        color: {
          field: 'role',
          type: 'nominal',
          title: null,
          scale: { domain: ['other nodes', 'slowest node'], range: ['#9ab', '#c0392b'] },
        },
        strokeWidth: { condition: { test: 'datum.slowest', value: 3 }, value: 1.2 },
      },
    },
    ...ruleLayers(MARKS.slowest, 'x', progress.slowest.doneAt, `slowest: ${progress.slowest.node}`, '#c0392b'),
  ];
  if (progress.lowerBoundSeconds !== undefined) {
    layers.push(
      ...ruleLayers(
        MARKS.lowerBound,
        'x',
        progress.lowerBoundSeconds,
        `T* ${progress.lowerBoundSeconds.toFixed(3)} s`,
        '#27ae60',
        1,
      ),
    );
  }
  return {
    config: CONFIG,
    description: 'Bytes done over time per node, the slowest node marked',
    width: WIDTH,
    height: 260,
    layer: layers,
  } as TopLevelSpec;
}
