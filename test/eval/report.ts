/**
 * Plain-text rendering of evaluation results for a terminal or a CI log.
 */
import type { ClassificationEvalResult } from './classification-eval.js';
import type { BinaryScores, LabelScores } from './metrics.js';

const f = (x: number): string => x.toFixed(2);
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function row(cells: ReadonlyArray<string | number>, widths: readonly number[]): string {
  return cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join('  ');
}

function labelCells(s: BinaryScores): string[] {
  return [f(s.precision), f(s.recall), f(s.f1), `${s.positives}`];
}

/** The per-language table: rows are languages plus "overall", columns P/R/F1/n+ per label. */
export function renderClassificationTable(result: ClassificationEvalResult): string {
  const widths = [9, 4, 5, 5, 5, 4, 5, 5, 5, 4, 7];
  const lines = [
    row(['', '', 'question', '', '', '', 'negative', '', '', '', 'lang'], widths),
    row(['language', 'n', 'P', 'R', 'F1', 'n+', 'P', 'R', 'F1', 'n+', 'acc'], widths),
  ];
  const line = (name: string, s: LabelScores) => row([name, s.n, ...labelCells(s.question), ...labelCells(s.negative), pct(s.languageAccuracy)], widths);
  for (const [language, scores] of Object.entries(result.byLanguage)) lines.push(line(language, scores));
  lines.push('-'.repeat(lines[1]!.length));
  lines.push(line('overall', result.overall));
  return lines.join('\n');
}

/** Share of each hard-case tag's messages labelled right (both labels, then each label). */
export function renderTagTable(result: ClassificationEvalResult): string {
  const widths = [20, 4, 8, 9, 9];
  const lines = [row(['tag', 'n', 'both ok', 'question', 'negative'], widths)];
  for (const [tag, s] of Object.entries(result.byTag)) lines.push(row([tag, s.n, pct(s.accuracy), pct(s.questionAccuracy), pct(s.negativeAccuracy)], widths));
  return lines.join('\n');
}

const yesNo = (question: boolean, negative: boolean): string => `${question ? 'Q' : '-'}${negative ? 'N' : '-'}`;

/** One line per misclassified message: expected vs predicted (Q = question, N = negative). */
export function renderMisclassified(result: ClassificationEvalResult): string {
  if (result.misclassified.length === 0) return 'No misclassified messages.';
  return result.misclassified
    .map((e) => {
      const head = `${e.id.padEnd(7)} expected ${yesNo(e.expected.isQuestion, e.expected.isNegative)} got ${yesNo(e.predicted.isQuestion, e.predicted.isNegative)}`;
      const lang = e.predicted.language === e.expected.language ? '' : ` [detected ${e.predicted.language || '?'}]`;
      const why = e.reasons.length > 0 ? `\n          because: ${e.reasons.join('; ')}` : '';
      return `${head}${lang}  ${JSON.stringify(e.text)}${e.tags.length > 0 ? `  (${e.tags.join(', ')})` : ''}${why}`;
    })
    .join('\n');
}
