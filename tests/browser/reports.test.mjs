// Browser test of /admin/reports with JavaScript off, at 1280 px: a month (February 2022) of
// registrations and orders seeded by SQL, the analyst signs in, picks the month with the date
// form, and the page shows one SVG chart per report beside its table, the weekly numbers as
// seeded, and the traffic section apart. Screenshot: STATE/log/reports-1280.png.
import {
  STAFF, check, expectText, go as goTo, main, memberNew, newPage, screenshot, sqlRoot, staffSignIn,
  suffix,
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

function unseed() {
  sqlRoot(`DELETE l FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.nonce LIKE 'rptb-%';
    DELETE FROM orders WHERE nonce LIKE 'rptb-%';
    DELETE FROM customers WHERE username LIKE 'rptb\\_%';`);
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

    // One chart per report (orders and revenue share a table), each with its title.
    const svgs = page.locator('main svg.chart');
    check(await svgs.count() === 7, `${await svgs.count()} charts, want 7`);
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
    await expectText(page, 'No traffic data yet.', 'the traffic section');
    await screenshot(page, 'reports-1280');
  } finally {
    unseed();
  }
});

main(tests, { DITTO_STAFF_URL: STAFF });
