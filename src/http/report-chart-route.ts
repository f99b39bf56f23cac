/**
 * GET /api/reports/chart.png?community=ID&week=YYYY-MM-DD: the weekly report's chart (the seven
 * local days before `week`, the report's due date): SVG from the core rendered to PNG with
 * @resvg/resvg-js (prebuilt per-platform binaries npm installs; no build step, no system
 * libraries). Mounted with the sandbox only: like the sandbox page it has no authentication.
 */
import { Resvg } from '@resvg/resvg-js';
import type { AnalyticsRepository } from '../core/analytics/analytics-types.js';
import { parseDay, startOfLocalDay } from '../core/analytics/period.js';
import { reportChartSvg } from '../core/analytics/report-chart.js';
import type { CommunityDirectory } from '../core/communities.js';
import { JamiiError } from '../core/errors.js';
import type { ImageAttachment } from '../core/types.js';
import { sendError, type Route } from './http-server.js';

export const REPORT_CHART_PATH = '/api/reports/chart.png';

/** SVG → PNG; text uses the fonts installed on the machine (DejaVu or Liberation when present). */
export function renderPng(svg: string): Buffer {
  return new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
}

export interface ChartDeps {
  repository: AnalyticsRepository;
  communities: CommunityDirectory;
  timeZoneOf(communityId: string): string;
}

/** The weekly report's chart for the seven local days before `weekKey` (YYYY-MM-DD); null for an unknown community or key. */
export async function weekChartPng(deps: ChartDeps, communityId: string, weekKey: string): Promise<Buffer | null> {
  const week = parseDay(weekKey);
  const community = deps.communities.list().find((c) => c.id === communityId);
  if (!community || !week) return null;
  const timeZone = deps.timeZoneOf(community.id);
  const [y, m, d] = week;
  const period = { from: startOfLocalDay(y, m, d - 7, timeZone), to: startOfLocalDay(y, m, d, timeZone), label: `week to ${weekKey}` };
  const scope = { communityIds: [community.id] };
  const [activity, members] = await Promise.all([deps.repository.activity(scope, period, timeZone), deps.repository.memberFlowByDay(scope, period, timeZone)]);
  return renderPng(reportChartSvg({ title: `${community.name} — week before ${weekKey}`, period, timeZone, activity: activity.daily, members }));
}

/** The chart as a picture to attach to the weekly report's desk post. */
export async function weekChartImage(deps: ChartDeps, communityId: string, weekKey: string): Promise<ImageAttachment | null> {
  const png = await weekChartPng(deps, communityId, weekKey);
  if (!png) return null;
  return { filename: `jamii-${communityId}-week-${weekKey}.png`, contentType: 'image/png', dataBase64: png.toString('base64'), alt: `Members and activity per day, week before ${weekKey}` };
}

export function createReportChartRoutes(deps: ChartDeps): Route[] {
  return [
    {
      method: 'GET',
      path: REPORT_CHART_PATH,
      async handler(_req, res, ctx) {
        const week = ctx.url.searchParams.get('week') ?? '';
        // A day that does not exist (9999-99-99) would reach the database as an invalid timestamp.
        if (!parseDay(week)) return sendError(res, 400, new JamiiError('invalid_input', '"week" must be a calendar day, YYYY-MM-DD (the weekly report\'s due date).'));
        const png = await weekChartPng(deps, ctx.url.searchParams.get('community') ?? '', week);
        if (!png) return sendError(res, 404, new JamiiError('not_found'));
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length, 'cache-control': 'no-store' });
        res.end(png);
      },
    },
  ];
}
