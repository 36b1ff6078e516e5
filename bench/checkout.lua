-- checkout.lua — wrk script: a full checkout per cycle (put in cart, open checkout, place the
-- order by card) for one signed-in customer per thread. Run with -c equal to -t so that each
-- thread drives one connection through the three steps in order.
-- Environment: BENCH_COOKIES ("ditto=a ditto=b ..."), BENCH_CSRF (one per cookie, same order),
-- BENCH_PRODUCT (product id with ample stock).
local cookies, csrfs, threads = {}, {}, {}
for c in string.gmatch(os.getenv("BENCH_COOKIES") or "", "%S+") do cookies[#cookies + 1] = c end
for c in string.gmatch(os.getenv("BENCH_CSRF") or "", "%S+") do csrfs[#csrfs + 1] = c end
local counter = 0

function setup(thread)
	counter = counter + 1
	thread:set("cookie", cookies[counter])
	thread:set("csrf", csrfs[counter])
	threads[#threads + 1] = thread
end

step, nonce, placed, failed = 1, nil, 0, 0 -- per-thread globals (read back with thread:get)
local product = os.getenv("BENCH_PRODUCT") or "1"

function request()
	local h = { ["Cookie"] = cookie, ["Content-Type"] = "application/x-www-form-urlencoded" }
	if step == 1 then
		return wrk.format("POST", "/cart", h, "csrf=" .. csrf .. "&product_id=" .. product .. "&quantity=1")
	elseif step == 2 then
		return wrk.format("GET", "/checkout", { ["Cookie"] = cookie })
	end
	return wrk.format("POST", "/checkout", h,
		"csrf=" .. csrf .. "&nonce=" .. nonce .. "&name=Bench+Buyer&email=shopper%40example.com" ..
		"&billing_line1=1+Main+St&billing_line2=&billing_city=Leeds&billing_postcode=LS1" ..
		"&billing_country=UK&shipping_same=1&payment_mode=card" ..
		"&card_number=4242424242424242&card_exp=12%2F30&card_cvv=123")
end

function response(status, headers, body)
	if step == 1 then
		step = status == 303 and 2 or 1
	elseif step == 2 then
		nonce = string.match(body, 'name="nonce" value="([^"]+)"')
		step = nonce and 3 or 1
	else
		if status == 303 then placed = placed + 1 else failed = failed + 1 end
		step = 1
	end
end

function done(summary, latency, requests)
	local p, f = 0, 0
	for _, t in ipairs(threads) do
		p = p + (t:get("placed") or 0)
		f = f + (t:get("failed") or 0)
	end
	io.write(string.format("checkouts_placed %d\ncheckouts_failed %d\n", p, f))
end
