/**
 * The weekly report's chart as SVG (rendered to PNG at the edge): messages per day as bars with
 * active members as a line above, and joins (up) and leaves (down) per day below.
 */
import type { DailyActivity, DailyMemberFlow, Period } from './analytics-types.js';
import { DAY_MS, localDay } from './period.js';

export const CHART_WIDTH_PX = 800;
export const CHART_HEIGHT_PX = 420;
const FONT = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';
const MARGIN = { left: 48, right: 16, top: 36, bottom: 28 };
const PANEL_GAP_PX = 40;
const COLORS = { messages: '#4e79a7', active: '#f28e2b', joined: '#59a14f', left: '#e15759', axis: '#888', text: '#333' };

export interface ChartInput {
  title: string;
  period: Period;
  timeZone: string;
  activity: DailyActivity[];
  members: DailyMemberFlow[];
}

/** Every local day of the period, in order. */
export function periodDays(period: Period, timeZone: string): string[] {
  const days: string[] = [];
  // Stepping by 12 hours and deduplicating survives 23- and 25-hour days.
  for (let t = period.from.getTime(); t < period.to.getTime(); t += DAY_MS / 2) {
    const day = localDay(new Date(t), timeZone);
    if (days.at(-1) !== day) days.push(day);
  }
  return days;
}

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const label = (x: number, y: number, text: string, anchor = 'middle', size = 11) =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-family="${FONT}" font-size="${size}" fill="${COLORS.text}" text-anchor="${anchor}">${esc(text)}</text>`;

export function reportChartSvg(input: ChartInput): string {
  const days = periodDays(input.period, input.timeZone);
  const activity = new Map(input.activity.map((a) => [a.day, a]));
  const members = new Map(input.members.map((m) => [m.day, m]));
  const plotWidth = CHART_WIDTH_PX - MARGIN.left - MARGIN.right;
  const panelHeight = (CHART_HEIGHT_PX - MARGIN.top - MARGIN.bottom - PANEL_GAP_PX) / 2;
  const slot = plotWidth / Math.max(1, days.length);
  const barWidth = Math.max(2, slot * 0.6);
  const x = (i: number) => MARGIN.left + slot * i + slot / 2;

  // Top panel: messages (bars) and active members (line), one scale.
  const top = MARGIN.top;
  const maxActivity = Math.max(1, ...days.map((d) => Math.max(activity.get(d)?.messages ?? 0, activity.get(d)?.activeMembers ?? 0)));
  const yTop = (v: number) => top + panelHeight - (v / maxActivity) * panelHeight;
  const bars = days.map((d, i) => {
    const v = activity.get(d)?.messages ?? 0;
    return `<rect x="${(x(i) - barWidth / 2).toFixed(1)}" y="${yTop(v).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(top + panelHeight - yTop(v)).toFixed(1)}" fill="${COLORS.messages}"/>`;
  });
  const line = days.map((d, i) => `${x(i).toFixed(1)},${yTop(activity.get(d)?.activeMembers ?? 0).toFixed(1)}`).join(' ');

  // Bottom panel: joins up, leaves down, around a middle axis.
  const bottom = top + panelHeight + PANEL_GAP_PX;
  const middle = bottom + panelHeight / 2;
  const maxFlow = Math.max(1, ...days.map((d) => Math.max(members.get(d)?.joined ?? 0, members.get(d)?.left ?? 0)));
  const h = (v: number) => (v / maxFlow) * (panelHeight / 2);
  const flows = days.flatMap((d, i) => {
    const m = members.get(d);
    const j = h(m?.joined ?? 0);
    const l = h(m?.left ?? 0);
    return [
      `<rect x="${(x(i) - barWidth / 2).toFixed(1)}" y="${(middle - j).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${j.toFixed(1)}" fill="${COLORS.joined}"/>`,
      `<rect x="${(x(i) - barWidth / 2).toFixed(1)}" y="${middle.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${l.toFixed(1)}" fill="${COLORS.left}"/>`,
    ];
  });
  const every = Math.max(1, Math.ceil(days.length / 14));
  const dayLabels = days.flatMap((d, i) => (i % every === 0 ? [label(x(i), CHART_HEIGHT_PX - 10, d.slice(5))] : []));

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH_PX}" height="${CHART_HEIGHT_PX}" viewBox="0 0 ${CHART_WIDTH_PX} ${CHART_HEIGHT_PX}">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    label(MARGIN.left, 20, input.title, 'start', 14),
    `<text x="${CHART_WIDTH_PX - MARGIN.right}" y="20" font-family="${FONT}" font-size="11" fill="${COLORS.text}" text-anchor="end">` +
      `<tspan fill="${COLORS.messages}">■</tspan> messages  <tspan fill="${COLORS.active}">━</tspan> active members  ` +
      `<tspan fill="${COLORS.joined}">■</tspan> joined  <tspan fill="${COLORS.left}">■</tspan> left</text>`,
    `<line x1="${MARGIN.left}" y1="${top + panelHeight}" x2="${CHART_WIDTH_PX - MARGIN.right}" y2="${top + panelHeight}" stroke="${COLORS.axis}"/>`,
    label(MARGIN.left - 6, top + 10, String(maxActivity), 'end'),
    label(MARGIN.left - 6, top + panelHeight, '0', 'end'),
    ...bars,
    `<polyline points="${line}" fill="none" stroke="${COLORS.active}" stroke-width="2.5"/>`,
    `<line x1="${MARGIN.left}" y1="${middle}" x2="${CHART_WIDTH_PX - MARGIN.right}" y2="${middle}" stroke="${COLORS.axis}"/>`,
    label(MARGIN.left - 6, bottom + 10, `+${maxFlow}`, 'end'),
    label(MARGIN.left - 6, bottom + panelHeight, `−${maxFlow}`, 'end'),
    ...flows,
    ...dayLabels,
    `</svg>`,
  ].join('\n');
}
