/**
 * The report page: one self-contained HTML file (inline CSS and SVG, no script, no font, no
 * link), readable on a laptop screen and printable. Sections appear only when the stats have
 * their data: a swarm run's charts, bad data when there was any, a stage run's progress.
 */
import { badDataChart, stageChart, timelineChart, transferChart, uploadsChart } from './charts.js';
import { renderSvg } from './render.js';
import { badData, headline, loadSpread, stageProgress, timeline, transferMatrix, type Blame } from './shape.js';
import type { ReportStats } from './stats-format.js';

const STYLE = `
  :root { color-scheme: light; }
  body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1000px; padding: 1.5rem 2rem 3rem;
         color: #1d1d1f; background: #fff; line-height: 1.45; }
  h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
  h2 { font-size: 1.2rem; margin: 2rem 0 .3rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
  .source { color: #666; margin: 0 0 1rem; font-size: .9rem; word-break: break-all; }
  dl.headline { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: .4rem .8rem; margin: 0; }
  dl.headline div { background: #f4f6f8; border-radius: 6px; padding: .4rem .7rem; }
  dt { font-size: .8rem; color: #555; }
  dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
  p.note { margin: .2rem 0 .6rem; color: #444; font-size: .92rem; }
  figure { margin: 0; overflow-x: auto; }
  figure svg { max-width: 100%; height: auto; }
  table { border-collapse: collapse; margin-top: .8rem; font-size: .92rem; }
  th, td { border: 1px solid #ddd; padding: .25rem .6rem; text-align: left; }
  td.number { text-align: right; font-variant-numeric: tabular-nums; }
  @media print {
    body { max-width: none; padding: 0; }
    section { break-inside: avoid; }
    figure { overflow: visible; }
  }
`;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);

interface Section {
  id: string;
  title: string;
  note: string;
  svg: string;
  extra?: string;
}

function blameTable(blame: Blame[]): string {
  if (blame.length === 0) return '';
  const rows = blame.map(
    (entry) =>
      `<tr><td>${escapeHtml(entry.file)}</td><td class="number">${entry.rank}</td>` +
      `<td class="number">${entry.reports}</td><td>${entry.distrusted ? 'yes' : 'no'}</td></tr>`,
  );
  return (
    `<table class="blame"><thead><tr><th>file</th><th>sender (rank)</th><th>bad-data reports</th>` +
    `<th>distrusted</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

async function sections(stats: ReportStats): Promise<Section[]> {
  const found: Section[] = [];
  const course = stats.course;
  if (course && course.peerStats.length > 0) {
    found.push({
      id: 'transfers',
      title: 'Who sent what to whom',
      note: 'Segments each peer (row) sent to each peer (column). A dark row is a peer that served much; a dark column one that downloaded much.',
      svg: await renderSvg(transferChart(transferMatrix(course))),
    });
    const times = timeline(course);
    if (times.completions.length > 0) {
      found.push({
        id: 'timeline',
        title: 'When each peer completed each file',
        note: `One dot per file a peer downloaded, at the time the tracker heard it was complete. The red line is the makespan: the last peer had everything at ${times.makespan.toFixed(3)} s (registration took ${times.goAhead.toFixed(3)} s).`,
        svg: await renderSvg(timelineChart(times)),
      });
    }
    const spread = loadSpread(course);
    found.push({
      id: 'uploads',
      title: 'Uploads per peer',
      note: `Segments each peer's upload worker sent; the red line is the mean (${spread.mean.toFixed(1)}). Bars far above it are peers that carried the swarm.`,
      svg: await renderSvg(uploadsChart(spread)),
    });
    const bad = badData(course);
    if (bad) {
      found.push({
        id: 'bad-data',
        title: 'Bad data and blame',
        note: "Segments whose hash did not match, by the peer that sent them, and the tracker's record: reports against each sender per file, and whether it stopped offering that sender as a holder.",
        svg: bad.segments.length > 0 ? await renderSvg(badDataChart(bad)) : '',
        extra: blameTable(bad.blame),
      });
    }
  }
  if (stats.stage) {
    const progress = stageProgress(stats.stage);
    found.push({
      id: 'stage',
      title: 'Bytes over time per node',
      note:
        `Bytes each node had, over time. The slowest node, ${progress.slowest.node}, is drawn in red; it was done at ${progress.slowest.doneAt.toFixed(3)} s` +
        (progress.lowerBoundSeconds === undefined
          ? '.'
          : `, against the lower bound T* = ${progress.lowerBoundSeconds.toFixed(3)} s (green): no schedule can finish sooner.`),
      svg: await renderSvg(stageChart(progress)),
    });
  }
  return found;
}

/** The whole page for `stats`, read from the file named `source`. */
export async function reportPage(stats: ReportStats, source: string): Promise<string> {
  const kind = stats.stage ? (stats.course ? 'swarm and stage run' : 'stage run') : 'swarm run';
  const items = headline(stats)
    .map((item) => `<div><dt>${escapeHtml(item.label)}</dt><dd>${escapeHtml(item.value)}</dd></div>`)
    .join('\n');
  const body = (await sections(stats))
    .map(
      (section) => `
<section id="${section.id}">
<h2>${escapeHtml(section.title)}</h2>
<p class="note">${escapeHtml(section.note)}</p>
<figure>${section.svg}</figure>${section.extra ?? ''}
</section>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="mpitorrent report (stats format version ${stats.version})">
<title>mpitorrent ${kind}: ${escapeHtml(source)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>mpitorrent ${kind}</h1>
<p class="source">${escapeHtml(source)}</p>
<dl class="headline">
${items}
</dl>
</header>
${body}
</body>
</html>
`;
}
