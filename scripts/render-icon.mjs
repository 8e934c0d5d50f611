import { chromium } from 'playwright-core';
// Renders media/icon.svg to media/icon.png (the Marketplace icon) with Chromium: node scripts/render-icon.mjs
import * as fs from 'node:fs';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const p = await b.newPage({ viewport: { width: 128, height: 128 } });
await p.setContent(`<html><body style="margin:0;background:transparent">${fs.readFileSync('media/icon.svg','utf8')}</body></html>`);
await p.screenshot({ path: 'media/icon.png', omitBackground: true });
await b.close();
