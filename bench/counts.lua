-- wrk: counts for 20 pages in one request (an index page).
local uris = {}
for i = 0, 19 do uris[#uris + 1] = string.format('"/post-%d/"', i * 7) end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"site":"bench","uris":[' .. table.concat(uris, ",") .. ']}'

done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("non-2xx or socket errors: %d\n", errors))
end
