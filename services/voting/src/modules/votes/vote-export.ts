import PDFDocument from 'pdfkit';
import { stringifyCsvSafe } from '@commonhold/kit';
import type { Tally } from './tally';
import type { VoteOption } from './vote';

/** What an export shows: the vote, its result, and (open ballots only) each apartment's ballot. */
export interface VoteReport {
  id: string;
  title: string;
  question: string;
  building: string;
  opensAt: Date;
  closesAt: Date;
  closedAt: Date | null;
  weighting: string;
  approvalRule: string;
  quorumPercent: number;
  secretBallot: boolean;
  options: VoteOption[];
  result: Tally;
  /** Empty for a secret ballot: who voted what is never exported. */
  ballots: { unit: string; choice: string; weight: number }[];
}

const label = (r: VoteReport, key: string) => (key === 'abstain' ? 'Abstain' : (r.options.find((o) => o.key === key)?.label ?? key));
const pct = (part: number, whole: number) => (whole > 0 ? ((part * 100) / whole).toFixed(2) : '0.00');

/** The result as CSV: a header block, one row per choice, then the ballots of an open vote. Formula triggers are escaped. */
export function voteResultCsv(r: VoteReport): string {
  const t = r.result;
  const rows: unknown[][] = [
    ['vote', r.title],
    ['question', r.question],
    ['building', r.building],
    ['closed_at', r.closedAt?.toISOString() ?? ''],
    ['weighting', r.weighting],
    ['approval_rule', r.approvalRule],
    ['quorum_percent', r.quorumPercent.toFixed(2)],
    ['total_weight', t.totalWeight],
    ['cast_weight', t.castWeight],
    ['quorum_met', t.quorumMet],
    ['outcome', t.outcome],
    [],
    ['choice', 'weight', 'ballots', 'percent_of_cast'],
    ...t.options.map((o) => [label(r, o.option), o.weight, o.ballots, pct(o.weight, t.castWeight)]),
    ['Abstain', t.abstainWeight, t.ballotsCast - t.options.reduce((s, o) => s + o.ballots, 0), pct(t.abstainWeight, t.castWeight)],
  ];
  if (!r.secretBallot && r.ballots.length) rows.push([], ['unit', 'choice', 'weight'], ...r.ballots.map((b) => [b.unit, label(r, b.choice), b.weight]));
  return stringifyCsvSafe(rows);
}

const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

/** The result as a one-document PDF report (pdfkit); the same result gives the same text. */
export function voteResultPdf(r: VoteReport): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Result: ${r.title}`, Producer: 'Commonhold voting', CreationDate: r.closedAt ?? r.closesAt }, pdfVersion: '1.7' });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.registerFont('body', FONT);
    doc.registerFont('bold', FONT_BOLD);
    const t = r.result;
    doc.font('bold').fontSize(16).text(r.title);
    doc.moveDown(0.3).font('body').fontSize(10).text(`${r.building} · closed ${r.closedAt?.toISOString() ?? '—'}`);
    doc.moveDown().fontSize(11).text(r.question);
    doc.moveDown();
    const lines = [
      `Weighting: ${r.weighting}; approval rule: ${r.approvalRule}; quorum: ${r.quorumPercent.toFixed(2)} % of the total weight`,
      `Total weight ${t.totalWeight}; cast ${t.castWeight} (${pct(t.castWeight, t.totalWeight)} %) by ${t.ballotsCast} of ${t.eligibleApartments} apartments`,
      `Quorum met: ${t.quorumMet ? 'yes' : 'no'}`,
    ];
    for (const l of lines) doc.text(l);
    doc.moveDown().font('bold').text('Result by choice');
    doc.font('body');
    for (const o of t.options) doc.text(`${label(r, o.option)}: weight ${o.weight} (${pct(o.weight, t.castWeight)} % of cast), ${o.ballots} ballots`);
    doc.text(`Abstain: weight ${t.abstainWeight}`);
    doc.moveDown().font('bold').fontSize(13).text(`Outcome: ${t.outcome.replace('_', ' ').toUpperCase()}${t.winningOption ? ` — ${label(r, t.winningOption)}` : ''}`);
    if (!r.secretBallot && r.ballots.length) {
      doc.moveDown().fontSize(11).text('Ballots (open ballot)');
      doc.font('body').fontSize(10);
      for (const b of r.ballots) doc.text(`${b.unit}: ${label(r, b.choice)} (weight ${b.weight})`);
    } else if (r.secretBallot) {
      doc.moveDown().font('body').fontSize(10).text('Secret ballot: individual ballots are not shown.');
    }
    doc.end();
  });
}
