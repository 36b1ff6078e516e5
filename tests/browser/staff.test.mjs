// Browser tests of the staff site: each of the six roles signs in through the real form (password
// and a TOTP code from oathtool), opens the SAME customer's page and leaves a full-page screenshot
// of it (staff-customer-<role>.png; the analyst's is its 403 page), checks what a person would
// check on it, and signs out with the button. JavaScript is off, as in shop.test.mjs.
// Environment: DITTO_STAFF_URL (required), BUILD (for dittoctl), DITTO_STATE_DIR (its ditto.conf
// and my.cnf; the screenshots go to its log/), DITTO_REPO (cwd for dittoctl), DITTO_CHROMIUM.
import {
  BUILD, STAFF, STATE, check, expectNoText, expectText, go as goTo, main, memberNew, newPage,
  screenshot, sqlRoot, staffSignIn, submit, suffix,
} from './lib.mjs';

const go = (page, p) => goTo(page, STAFF, p);

// The customer every role looks at: each field a value found nowhere else on the pages.
const C = {
  username: `bzq_${suffix}`,
  email: `bzq_${suffix}@browser-example.org`,
  name: 'Ottilie Brünnhilde Vasquez',
  nameMasked: 'O*** B*** V***',
  phone: '+31 20 555 0172',
  phoneLast4: '0172',
  billLine1: '8 Invoice Street',
  billCity: 'Ledgerton',
  billPostcode: 'LD1 8AA',
  billCountry: 'Billandia',
  shipLine1: '23 Parcel Road',
  shipCity: 'Cartonbury',
  shipPostcode: 'PR2 3ZZ',
  shipCountry: 'Shipistan',
  brand: 'visa',
  last4: '4242',
  lineName: 'Brass Astrolabe Browser',
  registered: '2020-02-03',
  viewed: 'Tellurion Browser Edition',
  interest: 'Antique Globes Browser',
};
let customerId = 0;

// Each role's menu as SPEC §4 and the privacy module's page table give it.
const MENUS = {
  representative: ['/admin', '/admin/registrations', '/admin/customers'],
  billing: ['/admin', '/admin/customers', '/admin/orders'],
  support: ['/admin', '/admin/customers', '/admin/orders', '/admin/messages'],
  analyst: ['/admin', '/admin/reports'],
  admin: ['/admin', '/admin/customers', '/admin/reports', '/admin/audit', '/admin/notices',
    '/admin/policy', '/admin/staff', '/admin/products', '/admin/status'],
  legal: ['/admin', '/admin/customers', '/admin/audit', '/admin/disclosures'],
};
// The staff pages that exist now: a role whose menu lacks one gets 403 there.
const LIVE_PAGES = ['/admin/registrations', '/admin/customers', '/admin/orders', '/admin/audit',
  '/admin/disclosures', '/admin/notices', '/admin/policy', '/admin/staff', '/admin/status',
  '/admin/messages', '/admin/reports'];

// The distinctive customer, with both addresses, a paid order with a line and a card payment,
// a viewed product and a marketing interest, inserted as the database's root.
function createCustomer() {
  const q = (s) => `'${s.replace(/'/g, "''")}'`;
  const out = sqlRoot(`
    INSERT INTO customers (username, email, name, phone, password_hash, policy_version, status,
      registered_at, visit_count, last_visit_at)
      VALUES (${q(C.username)}, ${q(C.email)}, ${q(C.name)}, ${q(C.phone)}, 'x',
        (SELECT MAX(version) FROM policy_versions), 'approved', ${q(C.registered + ' 05:06:07')},
        37, '2022-05-06 07:08:09');
    SET @c = LAST_INSERT_ID();
    INSERT INTO customer_addresses (customer_id, kind, line1, city, postcode, country, policy_version)
      VALUES (@c, 'billing', ${q(C.billLine1)}, ${q(C.billCity)}, ${q(C.billPostcode)}, ${q(C.billCountry)}, 1),
             (@c, 'shipping', ${q(C.shipLine1)}, ${q(C.shipCity)}, ${q(C.shipPostcode)}, ${q(C.shipCountry)}, 1);
    INSERT INTO categories (slug, name) VALUES (${q('globes-' + suffix)}, ${q(C.interest)});
    SET @cat = LAST_INSERT_ID();
    INSERT INTO products (category_id, sku, name, description, price_cents, stock)
      VALUES (@cat, ${q('TB-' + suffix)}, ${q(C.viewed)}, 'A browser test product.', 100, 0);
    SET @p = LAST_INSERT_ID();
    INSERT INTO product_views (customer_id, product_id, views, policy_version) VALUES (@c, @p, 3, 1);
    INSERT INTO customer_interests (customer_id, category_id, policy_version) VALUES (@c, @cat, 1);
    INSERT INTO orders (customer_id, nonce, status, policy_version, contact_name, contact_email,
      billing_line1, billing_city, billing_postcode, billing_country, shipping_line1, shipping_city,
      shipping_postcode, shipping_country, payment_mode, total_cents)
      VALUES (@c, ${q('browser-staff-' + suffix)}, 'paid', 1, ${q(C.name)}, ${q(C.email)},
        ${q(C.billLine1)}, ${q(C.billCity)}, ${q(C.billPostcode)}, ${q(C.billCountry)},
        ${q(C.shipLine1)}, ${q(C.shipCity)}, ${q(C.shipPostcode)}, ${q(C.shipCountry)}, 'card', 12345);
    SET @o = LAST_INSERT_ID();
    INSERT INTO order_lines (order_id, line_no, product_id, sku, name, unit_price_cents, quantity)
      VALUES (@o, 1, @p, 'BA-7', ${q(C.lineName)}, 12345, 1);
    INSERT INTO payments (order_id, processor, token, brand, last4, exp_month, exp_year,
      amount_cents, status) VALUES (@o, 'sandbox', 'tok', ${q(C.brand)}, ${q(C.last4)}, 11, 2031,
      12345, 'captured');
    SELECT @c;`);
  const id = Number(out.split('\n').pop());
  check(Number.isInteger(id) && id > 0, `no customer id from the insert: ${out}`);
  return id;
}

async function signOut(page) {
  await submit(page, page.locator('header').getByRole('button', { name: 'Sign out' }));
  check(await page.locator('header').getByRole('button', { name: 'Sign out' }).count() === 0,
    'still a "Sign out" button after signing out');
  await go(page, '/admin/customers');
  check(new URL(page.url()).pathname === '/admin/login', `/admin/customers after sign-out showed ${page.url()}`);
}

// The menu in the header: exactly the role's pages, and the live pages outside it answer 403.
async function checkMenu(page, role) {
  const hrefs = (await page.locator('header nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))))
    .sort();
  const want = [...MENUS[role]].sort();
  check(JSON.stringify(hrefs) === JSON.stringify(want),
    `${role}'s menu is ${JSON.stringify(hrefs)}, want ${JSON.stringify(want)}`);
  for (const p of LIVE_PAGES) {
    const resp = await go(page, p);
    const want = MENUS[role].includes(p) ? 200 : 403;
    check(resp.status() === want, `${role}: ${p} answered ${resp.status()}, want ${want}`);
  }
}

// Finds the customer with the list's search form (by username where the role sees usernames,
// else by name) and follows the link to their page.
async function openFromList(page) {
  const resp = await go(page, '/admin/customers');
  check(resp.status() === 200, `/admin/customers answered ${resp.status()}`);
  const label = (await page.locator('form.search label[for="q"]').innerText()).trim();
  const q = /username/.test(label) ? C.username : C.name;
  await page.fill('#q', q);
  await Promise.all([page.waitForURL(/[?&]q=/), page.locator('form.search').getByRole('button', { name: 'Search' }).click()]);
  const link = page.locator(`table a[href="/admin/customers/${customerId}"]`);
  check(await link.count() === 1, `searching "${q}" (${label}) does not list customer ${customerId}`);
  await Promise.all([page.waitForURL(new RegExp(`/admin/customers/${customerId}$`)), link.click()]);
  await expectText(page, `Customer ${customerId}`, 'customer page heading');
}

// What the page holds for one field, by the class the template gives it.
async function fieldText(page, cls) {
  const all = await page.locator(`main .${cls}`).allInnerTexts();
  return all.join(' | ').replace(/\s+/g, ' ');
}

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test('staff_pages_run_without_javascript', async ({ browser }) => {
  check(BUILD !== '' && STATE !== '', 'BUILD and DITTO_STATE_DIR are needed to make staff and a customer');
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await ctx.newPage();
    await page.setContent('<title>off</title><script>document.title = "on"</script>');
    check(await page.title() === 'off', 'JavaScript is running in the test browser');
    const resp = await go(page, '/admin/login');
    check(resp.status() === 200, `/admin/login answered ${resp.status()}`);
    check(await page.locator('main form[method="post"][action="/admin/login"]').count() === 1,
      'the sign-in form does not post to /admin/login');
    for (const f of ['username', 'password', 'totp'])
      check(await page.locator(`main label[for="${f}"]`).count() === 1, `the ${f} field has no label`);
    check(await page.locator('script').count() === 0, 'the sign-in page has a script');
  } finally {
    await ctx.close();
  }
  customerId = createCustomer();
});

// role: the staff role; see: what a person checks on the customer's page as that role.
function roleTest(name, role, see) {
  test(name, async ({ browser }) => {
    check(customerId > 0, 'the customer was not created by the first test');
    const member = memberNew(role);
    const page = await newPage(browser);
    try {
      await staffSignIn(page, member);
      await expectText(page, `You are signed in as ${role}`, 'staff home');
      await checkMenu(page, role);
      if (role === 'legal')
        sqlRoot(`INSERT INTO legal_cases (customer_id, authority, reference, legal_basis) VALUES (${customerId}, 'a court', 'case', 'test')`);
      if (MENUS[role].includes('/admin/customers')) {
        await openFromList(page);
        check(await page.locator('script').count() === 0, 'the customer page has a script');
      }
      await see(page);
      await screenshot(page, `staff-customer-${role}`);
      await signOut(page);
    } finally {
      await page.context().close();
    }
  });
}

roleTest('representative_sees_phone_and_no_address', 'representative', async (page) => {
  check(await fieldText(page, 'f-phone') === C.phone, `phone shown as "${await fieldText(page, 'f-phone')}"`);
  check(await fieldText(page, 'f-name') === C.name, 'the name is not shown in full');
  check(await page.locator('main .address').count() === 0, 'an address block is shown');
  for (const s of ['Billing address', 'Shipping address', C.billLine1, C.billCity, C.shipLine1, C.shipCity])
    await expectNoText(page, s, 'representative');
  await expectNoText(page, C.lineName, 'representative (orders)');
  await expectText(page, C.registered, 'registration date');
});

roleTest('billing_clerk_sees_billing_address_and_shipping_city_only', 'billing', async (page) => {
  const bill = await fieldText(page, 'address.f-billing_address');
  check(bill.includes(C.billLine1) && bill.includes(C.billPostcode) && bill.includes(C.billCity),
    `billing address block is "${bill}"`);
  const ship = await fieldText(page, 'address.f-shipping_address');
  check(ship.includes(C.shipCity) && ship.includes(C.shipCountry), `shipping address block is "${ship}"`);
  for (const s of [C.shipLine1, C.shipPostcode]) await expectNoText(page, s, 'billing clerk (shipping)');
  check(await page.locator('main .f-phone').count() === 0, 'a phone field is shown');
  for (const s of [C.phone, C.phoneLast4, 'Phone']) await expectNoText(page, s, 'billing clerk (phone)');
  await expectText(page, `ending ${C.last4}`, 'payment');
  await expectText(page, C.lineName, 'order lines');
});

roleTest('support_sees_no_card_last4', 'support', async (page) => {
  const pay = await fieldText(page, 'f-payment');
  check(pay.includes(C.brand), `payment shown as "${pay}", want the brand`);
  await expectNoText(page, C.last4, 'support (card)');
  check(!/\bending\b/.test(pay), `payment shown as "${pay}", with a card number`);
  check(await fieldText(page, 'f-phone') === C.phone, 'support does not see the phone');
  const ship = await fieldText(page, 'address.f-shipping_address');
  check(ship.includes(C.shipLine1), `shipping address block is "${ship}"`);
  check(await page.locator('main .f-billing_address').count() === 0, 'a billing address is shown');
  await expectNoText(page, C.billLine1, 'support (billing)');
  await expectText(page, C.lineName, 'order lines');
});

roleTest('analyst_gets_403_on_a_customer_page', 'analyst', async (page) => {
  const resp = await go(page, `/admin/customers/${customerId}`);
  check(resp.status() === 403, `the analyst's /admin/customers/${customerId} answered ${resp.status()}`);
  await expectText(page, '403', 'error page');
  for (const s of [C.name, C.nameMasked, C.username, C.phoneLast4, C.billCity, C.shipCity])
    await expectNoText(page, s, 'analyst');
  check(await page.locator('header').getByRole('button', { name: 'Sign out' }).count() === 1,
    'the 403 page has no "Sign out" button');
});

roleTest('admin_sees_name_masked_and_no_contact', 'admin', async (page) => {
  check(await fieldText(page, 'f-name') === C.nameMasked, `name shown as "${await fieldText(page, 'f-name')}"`);
  await expectNoText(page, C.name, 'admin (name)');
  await expectNoText(page, C.email, 'admin (email)');
  check(await fieldText(page, 'f-username') === C.username, 'the username is not shown in full');
  check(await page.locator('main .f-phone, main .address, main .f-payment').count() === 0,
    'a phone, address or payment is shown');
  await expectNoText(page, C.lineName, 'admin (orders)');
  // The views before this one are in the audit log: filter it with its form.
  await go(page, '/admin/audit');
  await page.fill('#customer', String(customerId));
  await Promise.all([page.waitForURL(/[?&]customer=/), page.locator('main form').getByRole('button', { name: 'Filter' }).click()]);
  const roles = await page.locator('main table tbody tr td:nth-child(4)').allInnerTexts();
  for (const r of ['representative', 'billing', 'support', 'admin'])
    check(roles.includes(r), `the audit log of customer ${customerId} lists no view by ${r}: ${JSON.stringify(roles)}`);
  await screenshot(page, 'staff-audit-admin');
  await go(page, `/admin/customers/${customerId}`);
});

roleTest('legal_sees_everything_of_a_customer_with_an_open_case', 'legal', async (page) => {
  for (const s of [C.name, C.email, C.username, C.phone, C.billLine1, C.billPostcode, C.shipLine1,
    C.shipPostcode, `ending ${C.last4}`, C.lineName, C.registered, C.viewed, C.interest])
    await expectText(page, s, 'legal');
});

main(tests, { DITTO_STAFF_URL: STAFF });
