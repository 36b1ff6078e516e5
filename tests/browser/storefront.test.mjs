// Browser tests of the storefront, at 1280 px and at 390 px wide, JavaScript off: search (a hit
// and a miss with its suggestions), sorting by price, the numbered pages, and "Add to cart"
// twice giving quantity 2 with the header's count.  Each step leaves a screenshot,
// STATE/log/storefront-<width>-<step>.png.  Environment as shop.test.mjs.
import {
  BUILD, STATE, WEB, bodyText, check, dittoctl, expectText, go as goTo, main, newPage, screenshot,
  shopRegister, shopSignIn, submit, suffix,
} from './lib.mjs';

const go = (page, p) => goTo(page, WEB, p);
const WIDTHS = [{ width: 1280, height: 900 }, { width: 390, height: 844 }];

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

// A signed-in approved customer of their own (an empty cart) in a page of that viewport.
async function customerPage(browser, viewport) {
  check(BUILD !== '' && STATE !== '', 'BUILD and DITTO_STATE_DIR are needed to approve the customer');
  const person = {
    name: 'Storefront Shopper',
    username: `sf${viewport.width}_${suffix}`,
    email: `sf${viewport.width}_${suffix}@example.com`,
    password: 'copper lantern dune 7340',
  };
  const page = await newPage(browser, viewport);
  await shopRegister(page, person);
  dittoctl(['customer', 'approve', person.username]);
  await shopSignIn(page, person);
  return page;
}

// Nothing on the page is wider than the viewport (no sideways scrolling on a phone).
async function fitsWidth(page, viewport, what) {
  for (const sel of ['main', 'header.site', 'ul.product-grid', 'nav.pager', 'form.search']) {
    const boxes = await page.locator(sel).all();
    for (const b of boxes) {
      const box = await b.boundingBox();
      if (box !== null)
        check(box.x >= 0 && box.x + box.width <= viewport.width + 1,
          `${what}: ${sel} spans ${box.x}..${box.x + box.width} px in a ${viewport.width} px window`);
    }
  }
}

async function prices(page) {
  const texts = await page.locator('ul.product-grid .price').allInnerTexts();
  return texts.map((t) => Number(t.replace(/[^0-9.]/g, '')));
}

// The page number the pager marks as current.
async function currentPage(page) {
  return Number((await page.locator('nav.pager a[aria-current="page"]').innerText()).trim());
}

for (const vp of WIDTHS) {
  const w = vp.width;
  const shot = (page, step) => screenshot(page, `storefront-${w}-${step}`);
  let page;

  test(`search_finds_and_suggests_at_${w}px`, async ({ browser }) => {
    page = await customerPage(browser, vp);
    await go(page, '/catalog');
    await page.fill('#q', 'Vintage');
    await Promise.all([page.waitForURL(/[?&]q=Vintage/), page.getByRole('button', { name: 'Search' }).click()]);
    await expectText(page, /\d+ products match “Vintage”/, 'search result count');
    const names = await page.locator('ul.product-grid .card-name').allInnerTexts();
    check(names.length > 0, 'the search found nothing');
    for (const n of names) check(/Vintage/.test(n), `"${n}" does not match Vintage`);
    await fitsWidth(page, vp, 'search results');
    await shot(page, 'search');

    await page.fill('#q', `quixotic nonesuch${suffix}`);
    await Promise.all([page.waitForURL(/[?&]q=quixotic/), page.getByRole('button', { name: 'Search' }).click()]);
    await expectText(page, /No products match “quixotic nonesuch/, 'no match');
    check(await page.locator('.no-match a', { hasText: 'only “quixotic”' }).count() === 1,
      'no suggestion to search one word');
    check(await page.locator('nav.categories a', { hasText: 'Mugs' }).count() === 1, 'no categories offered');
    await shot(page, 'search-none');
    // The suggestion is a search of its own.
    await Promise.all([page.waitForURL(/q=quixotic$/), page.locator('.no-match a', { hasText: 'only “quixotic”' }).click()]);
    await expectText(page, /No products match “quixotic”/, 'one-word search');
  });

  test(`sort_by_price_at_${w}px`, async () => {
    check(page !== undefined, 'no signed-in page from the search test');
    await go(page, '/catalog?category=mugs');
    await Promise.all([page.waitForURL(/sort=price/), page.getByRole('link', { name: 'Price, low to high' }).click()]);
    check(new URL(page.url()).searchParams.get('category') === 'mugs', `the sort dropped the category: ${page.url()}`);
    let p = await prices(page);
    check(p.length > 1, 'no prices listed');
    for (let i = 1; i < p.length; i++) check(p[i - 1] <= p[i], `prices not rising: ${p.join(', ')}`);
    await shot(page, 'sort-price');
    await Promise.all([page.waitForURL(/sort=-price/), page.getByRole('link', { name: 'Price, high to low' }).click()]);
    p = await prices(page);
    for (let i = 1; i < p.length; i++) check(p[i - 1] >= p[i], `prices not falling: ${p.join(', ')}`);
    const names = await page.locator('ul.product-grid .card-name').allInnerTexts();
    await Promise.all([page.waitForURL(/sort=name/), page.getByRole('link', { name: 'Name', exact: true }).click()]);
    const byName = await page.locator('ul.product-grid .card-name').allInnerTexts();
    const sorted = [...byName].sort((a, b) => a.localeCompare(b, 'en', { numeric: false }));
    check(byName.length === names.length, 'a sort changed the page size');
    check(byName[0] === sorted[0], `by name starts with "${byName[0]}", not "${sorted[0]}"`);
    await fitsWidth(page, vp, 'sorted catalogue');
  });

  test(`page_numbers_at_${w}px`, async () => {
    check(page !== undefined, 'no signed-in page from the search test');
    await go(page, '/catalog?sort=price');
    check(await currentPage(page) === 1, 'page 1 is not marked current');
    await Promise.all([page.waitForURL(/page=2/), page.getByRole('link', { name: 'Page 2', exact: true }).click()]);
    check(await currentPage(page) === 2, 'page 2 is not marked current');
    check(new URL(page.url()).searchParams.get('sort') === 'price', `the pager dropped the sort: ${page.url()}`);
    const m = /page 2 of (\d+)\./.exec(await bodyText(page));
    check(m !== null, 'no "page 2 of N"');
    const last = Number(m[1]);
    await shot(page, 'page-2');
    await Promise.all([page.waitForURL(new RegExp(`page=${last}`)), page.getByRole('link', { name: 'Last' }).click()]);
    check(await currentPage(page) === last, `Last did not open page ${last}`);
    await expectText(page, `page ${last} of ${last}.`, 'last page');
    check(await page.getByRole('link', { name: 'Next' }).count() === 0, 'the last page offers Next');
    await fitsWidth(page, vp, 'last page');
    await shot(page, 'page-last');
    const past = await go(page, `/catalog?sort=price&page=${last + 1}`);
    check(past.status() === 404, `the page after the last answered ${past.status()}`);
  });

  test(`add_to_cart_twice_at_${w}px`, async () => {
    check(page !== undefined, 'no signed-in page from the search test');
    await go(page, '/catalog');
    check(await page.locator('.cart-count').count() === 0, 'an empty cart shows a count');
    const card = page.locator('ul.product-grid li:not(:has(.out)) a[href^="/product/"]').first();
    const name = (await card.locator('.card-name').innerText()).trim();
    await Promise.all([page.waitForURL(/\/product\/\d+/), card.click()]);
    const product = page.url();
    await shot(page, 'product');
    await submit(page, page.getByRole('button', { name: 'Add to cart' }));
    await expectText(page, `1 × ${name} in your cart.`, 'first add');
    await page.goto(product);
    await submit(page, page.getByRole('button', { name: 'Add to cart' }));
    check(new URL(page.url()).pathname === '/cart', `the second add went to ${page.url()}`);
    await expectText(page, `2 × ${name} in your cart.`, 'second add');
    check(await page.inputValue('table.cart input[name="quantity"]') === '2', 'the cart line does not hold 2');
    check((await page.locator('header.site .cart-count').innerText()).trim().startsWith('2'),
      'the header does not count 2 items');
    await fitsWidth(page, vp, 'cart');
    await shot(page, 'cart');
    await page.context().close();
    page = undefined;
  });
}

main(tests, { DITTO_WEB_URL: WEB });
