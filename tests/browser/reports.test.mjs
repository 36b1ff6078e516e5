// Browser test of /admin/reports with JavaScript off, at 1280 px: a month (February 2022) of
// registrations and orders seeded by SQL and of traffic written as nginx's ditto_traffic log and
// put through `dittoctl traffic ingest`, the analyst signs in, picks the month with the date
// form, and the page shows one SVG chart per report beside its table, the weekly numbers and
// the daily visits and page views as seeded. Screenshot: STATE/log/reports-1280.png.
import fs from 'node:fs';
import path from 'node:path';
import {
  STAFF, STATE, check, dittoctl, expectText, go as goTo, main, memberNew, newPage, screenshot,
  sqlRoot, staffSignIn, suffix,
} from './lib.mjs';

const go = (page, p) => goTo(page, STAFF, p);
const tests = [];
const test = (name, fn) => tests.push({ name, fn });
const DAY = 86400000;
const FROM = Date.UTC(2022, 1, 1);
const DAYS = 28;

// A fixed pseudo-random sequence, so the picture is the same every run.
let seed = 20220201;
const rnd = (n) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 16) % n; };
const iso = (t) => new Date(t).toISOString().slice(0, 10);
const monday = (t) => t - ((new Date(t).getUTCDay() + 6) % 7) * DAY;

const SOURCE = `browser-reports-${suffix}`.slice(0, 40);

function unseed() {
  sqlRoot(`DELETE l FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.nonce LIKE 'rptb-%';
    DELETE FROM orders WHERE nonce LIKE 'rptb-%';
    DELETE FROM customers WHERE username LIKE 'rptb\\_%';
    DELETE FROM traffic_daily WHERE day BETWEEN '2022-01-25' AND '2022-03-05';
    DELETE FROM traffic_visits WHERE day BETWEEN '2022-01-25' AND '2022-03-05';
    DELETE FROM traffic_sources WHERE name = '${SOURCE}';`);
}

const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
];
const REFERRERS = ['-', '-', 'https://search.example', 'https://news.example', 'https://forum.example', 'https://rare.example'];
const PAGES = ['/', '/catalog', '/category/{slug}', '/product/{id}', '/product/{id}', '/cart', '/checkout', '/privacy'];
const EXITS = ['partner.example', 'partner.example', 'maker.example', 'blog.example'];
const hex = (n) => n.toString(16).padStart(16, '0');

// Writes the month's traffic log (ditto_traffic format) and ingests it; returns the expected
// visits and page views per day (day -> [visits, views]).
function seedTraffic() {
  const perDay = new Map();
  const lines = [];
  let v = 0;
  for (let d = 0; d < DAYS; d++) {
    const day = iso(FROM + d * DAY);
    const visits = 4 + rnd(9);
    let views = 0;
    for (let i = 0; i < visits; i++, v++) {
      const ua = AGENTS[rnd(AGENTS.length)];
      const cookie = `${hex(Number.parseInt(suffix.slice(0, 8), 36) || 1)}${hex(v)}`.slice(0, 32);
      const hour = String(6 + Math.floor((i * 16) / visits)).padStart(2, '0');
      let minute = 0;
      const line = (page, status, ref) => lines.push(`${day}T${hour}:${String(minute++).padStart(2, '0')}:00+00:00 `
        + `198.51.100.${1 + rnd(250)} "GET ${page}" ${status} 2048 0.004 "${ref}" "${ua}" ${cookie}`);
      const n = 1 + rnd(6);
      for (let p = 0; p < n; p++) line(PAGES[p === 0 ? rnd(3) : rnd(PAGES.length)], 200, p === 0 ? REFERRERS[rnd(REFERRERS.length)] : '=');
      line('/static/style.css', 200, '=');
      views += n;
      if (rnd(4) === 0) {
        line(`/leave/${EXITS[rnd(EXITS.length)]}`, 200, '=');
        views++;
      }
    }
    perDay.set(day, [visits, views]);
  }
  const file = path.join(STATE, 'run', `${SOURCE}.log`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  try {
    const out = dittoctl(['traffic', 'ingest', '--log', file, '--source', SOURCE]);
    check(out.startsWith(`lines ${lines.length}, malformed 0`), `traffic ingest said: ${out}`);
  } finally {
    fs.unlinkSync(file);
  }
  return perDay;
}

// Seeds the month; returns the expected registrations and orders per week (Monday -> count).
function seedMonth() {
  const products = sqlRoot(`SELECT MIN(p.id) FROM categories c JOIN products p ON p.category_id = c.id
    GROUP BY c.id ORDER BY c.id LIMIT 6`).split('\n').map(Number);
  check(products.length === 6, `want 6 categories with products, have ${products.length}`);
  const regs = new Map();
  const ords = new Map();
  const stmts = [];
  let n = 0;
  for (let d = 0; d < DAYS; d++) {
    const day = FROM + d * DAY;
    const wk = iso(monday(day));
    const r = 1 + rnd(6);
    for (let i = 0; i < r; i++, n++) {
      const status = ['denied', 'denied', 'pending', 'cancelled'][rnd(4)];
      stmts.push(`INSERT INTO customers (username, email, name, password_hash, status, registered_at,
        policy_version) SELECT 'rptb_${suffix}_${n}', 'rptb_${suffix}_${n}@example.com', 'Browser Report ${n}',
        'x', '${status}', '${iso(day)} 09:00:00', MIN(version) FROM policy_versions;`);
    }
    regs.set(wk, (regs.get(wk) || 0) + r);
    const o = rnd(5);
    for (let i = 0; i < o; i++) {
      const cat = rnd(6) < 4 ? rnd(3) : 3 + rnd(3); // three best sellers, three rare ones
      const qty = 1 + rnd(3);
      const unit = 500 + 250 * rnd(12);
      stmts.push(`INSERT INTO orders (customer_id, nonce, status, policy_version, contact_name,
        contact_email, billing_line1, billing_city, billing_postcode, billing_country, shipping_line1,
        shipping_city, shipping_postcode, shipping_country, payment_mode, total_cents, test_order,
        created_at) SELECT NULL, 'rptb-${suffix}-${d}-${i}', 'paid', MIN(version), 'x', 'x@example.com',
        'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'invoice', ${qty * unit}, 0, '${iso(day)} 15:00:00'
        FROM policy_versions;
        INSERT INTO order_lines (order_id, line_no, product_id, sku, name, unit_price_cents, quantity)
        VALUES (LAST_INSERT_ID(), 1, ${products[cat]}, 'RPTB', 'x', ${unit}, ${qty});`);
    }
    ords.set(wk, (ords.get(wk) || 0) + o);
  }
  sqlRoot(stmts.join('\n'));
  return { regs, ords };
}

test('reports_show_a_seeded_month_as_charts_and_tables_at_1280px', async ({ browser }) => {
  unseed();
  const want = seedMonth();
  const traffic = seedTraffic();
  try {
    const page = await newPage(browser, { width: 1280, height: 900 });
    await staffSignIn(page, memberNew('analyst', 'rp'));
    const first = await go(page, '/admin/reports');
    check(first.status() === 200, `/admin/reports answered ${first.status()}`);
    // The date form, as a person uses it.
    await page.fill('#from', iso(FROM));
    await page.fill('#to', iso(FROM + (DAYS - 1) * DAY));
    // A GET form: wait for the navigation it starts.
    const [resp] = await Promise.all([
      page.waitForResponse((r) => r.request().isNavigationRequest() && r.url().includes('from=2022-02-01')),
      page.locator('main form.search').getByRole('button', { name: 'Show' }).click(),
    ]);
    await page.waitForLoadState('load');
    check(resp.status() === 200, `showing February 2022 answered ${resp.status()}`);
    await expectText(page, 'From 2022-02-01 to 2022-02-28', 'the chosen range');

    // One chart per report (orders and revenue share a table, and visits and page views per
    // day), each with its title: 7, then 2 + 11 of the traffic.
    const svgs = page.locator('main svg.chart');
    check(await svgs.count() === 20, `${await svgs.count()} charts, want 20`);
    for (const id of ['registrations', 'orders', 'revenue', 'pending', 'visit-counts', 'last-visits', 'categories'])
      check(await page.locator(`svg title#chart-${id}-title`).count() === 1, `chart ${id} has no title`);
    const bars = page.locator('svg[aria-labelledby="chart-registrations-title"] rect');
    check(await bars.count() === want.regs.size, `${await bars.count()} registration bars, want ${want.regs.size}`);

    for (const [table, map] of [['registrations', want.regs], ['orders', want.ords]]) {
      const rows = await page.locator(`#table-${table} tbody tr`).evaluateAll((trs) =>
        trs.map((tr) => [tr.querySelector('th').textContent, tr.querySelector('td').textContent]));
      const got = JSON.stringify(rows);
      const exp = JSON.stringify([...map.entries()].map(([k, v]) => [k, String(v)]));
      check(got === exp, `${table} per week ${got}, want ${exp}`);
    }
    // Rare categories are merged, never listed with fewer than 5 orders.
    const cats = await page.locator('#table-categories tbody tr td:first-of-type').allInnerTexts();
    check(cats.every((c) => Number(c) >= 5), `a category row of fewer than 5 orders: ${cats}`);
    // Traffic: every day of the month with its visits and page views as seeded.
    const days = await page.locator('#table-traffic_daily tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [tr.querySelector('th').textContent, ...[...tr.querySelectorAll('td')].map((td) => td.textContent)]));
    const gotDays = JSON.stringify(days);
    const expDays = JSON.stringify([...traffic.entries()].map(([k, [vi, vw]]) => [k, String(vi), String(vw)]));
    check(gotDays === expDays, `traffic per day ${gotDays}, want ${expDays}`);
    for (const id of ['traffic-visits', 'traffic-views', 'traffic_browsers', 'traffic_referrers', 'traffic_outbound'])
      check(await page.locator(`svg title#chart-${id}-title`).count() === 1, `chart ${id} has no title`);
    // No breakdown row is a group of fewer than 5.
    const small = await page.locator('#report-traffic table:not(#table-traffic_daily) tbody td').allInnerTexts();
    check(small.length > 0 && small.every((c) => Number(c) >= 5), `a traffic row under 5: ${small}`);
    await expectText(page, 'Exits to other sites', 'the exits by host');
    await screenshot(page, 'reports-1280');
  } finally {
    unseed();
  }
});

main(tests, { DITTO_STAFF_URL: STAFF });
