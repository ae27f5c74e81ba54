-- wrk: every request posts a new comment (sequential when run with -c1 -t1). Each run and each
-- of its threads has its own tag, so no comment repeats another (a repeat would be refused as a
-- duplicate and count as an error).
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
math.randomseed(os.time())
local run = string.format("%d-%d", os.time(), math.random(1, 1000000000))
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format(
    '{"site":"bench","uri":"/write-%d/","parent":null,"body":"Sequential comment %s/%s/%d with a little **markdown** and a link https://example.com/%d.","author":{"name":"Writer","email":"w@example.org"}}',
    counter % 50, run, tostring(tid), counter, counter)
  return wrk.format("POST", "/api/comments", {["Content-Type"] = "application/json", ["Origin"] = "http://blog.bench"}, body)
end

done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("non-2xx or socket errors: %d\n", errors))
end
