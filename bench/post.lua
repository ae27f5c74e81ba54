-- wrk: every request posts a new comment (sequential when run with -c1 -t1).
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format(
    '{"site":"bench","uri":"/write-%d/","parent":null,"body":"Sequential comment number %d with a little **markdown** and a link https://example.com/%d.","author":{"name":"Writer","email":"w@example.org"}}',
    counter % 50, counter, counter)
  return wrk.format("POST", "/api/comments", {["Content-Type"] = "application/json", ["Origin"] = "http://blog.bench"}, body)
end

done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("non-2xx or socket errors: %d\n", errors))
end
