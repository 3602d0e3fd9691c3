-- wrk script: each request takes the next path from a file (one path a line), so the load
-- spreads over many URLs instead of one hot page. Each thread starts at a different place.
--
--   wrk -t2 -c8 -d30s --latency -s bench/wrk/rotate.lua http://127.0.0.1:8123 -- paths.txt
--
-- At the end it prints one RESULT line with requests a second, p50/p75/p90/p95/p99 latency in
-- milliseconds and every kind of error, for bench/load_test.sh to collect.

local thread_count = 0

function setup(thread)
   thread:set("id", thread_count)
   thread_count = thread_count + 1
end

function init(args)
   local file = args[1]
   if file == nil then
      error("give the file of paths after --")
   end
   paths = {}
   for line in io.lines(file) do
      if line ~= "" then
         table.insert(paths, line)
      end
   end
   if #paths == 0 then
      error("no paths in " .. file)
   end
   -- Threads start far apart in the list so they do not ask for the same URL at the same
   -- moment (wrk runs init before the next thread exists, so the thread count is unknown here).
   position = (id * 997) % #paths
end

function request()
   position = position % #paths + 1
   return wrk.format("GET", paths[position])
end

function done(summary, latency, requests)
   local e = summary.errors
   local ms = function(p) return latency:percentile(p) / 1000 end
   io.write(string.format(
      "RESULT requests=%d seconds=%.2f rps=%.1f p50=%.1f p75=%.1f p90=%.1f p95=%.1f p99=%.1f " ..
      "max=%.1f non2xx3xx=%d connect=%d read=%d write=%d timeout=%d\n",
      summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
      ms(50), ms(75), ms(90), ms(95), ms(99), latency.max / 1000,
      e.status, e.connect, e.read, e.write, e.timeout))
end
