/** Loads the site configuration: `CALLBOARD_SITE=path.json`, or the built-in demo site. */
import { readFileSync } from 'node:fs';
import { parseSiteConfig, type SiteConfig } from '../contracts/index.ts';
import { demoSite } from './demo-site.ts';

export function loadSite(path = process.env.CALLBOARD_SITE): SiteConfig {
  if (!path) return demoSite();
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read site configuration ${path}: ${(err as Error).message}`);
  }
  return parseSiteConfig(raw);
}
