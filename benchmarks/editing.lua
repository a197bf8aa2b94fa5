-- The editors of benchmarks/editing.py, for wrk: one connection per thread (-tN -cN), each
-- an editor saving its own answer or row over and over, with the revision the last save
-- returned, and loading a page after each save when it is given one.
--
-- Each thread takes its own argument (after wrk's `--`), five fields separated by tabs:
--   the path it posts to;
--   the urlencoded body, in which "{rev}" stands for the revision the save starts from;
--   the name of the hidden input whose value is the new revision in the response;
--   the revision the first save starts from;
--   the path of the page to load after each save, or nothing.
-- A save counts when the response is a 200 carrying the new revision and no "Not saved".
-- done() prints one line: "editing-result" and key=value pairs (times in milliseconds).

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } editing_timespec;
int clock_gettime(int clock, editing_timespec *now);
]])
local CLOCK_MONOTONIC = 1
local clock = ffi.new("editing_timespec")

local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1e3 + tonumber(clock.tv_nsec) / 1e6
end

local function split(text, separator)
  local fields, start = {}, 1
  while true do
    local at = string.find(text, separator, start, true)
    if not at then
      fields[#fields + 1] = string.sub(text, start)
      return fields
    end
    fields[#fields + 1] = string.sub(text, start, at - 1)
    start = at + #separator
  end
end

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("id", #threads)
end

function init(args)
  local fields = split(args[id], "\t")
  post_path, body, revision_input = fields[1], fields[2], fields[3]
  revision = fields[4]
  page_path = fields[5] ~= "" and fields[5] or nil
  revision_marker = 'name="' .. revision_input .. '" value="'
  saving = true
  saves, failures, cycles = 0, 0, 0
  save_ms, page_ms, cycle_ms = {}, {}, {}
end

local function headers(extra)
  local all = {}
  for name, value in pairs(wrk.headers) do
    all[name] = value
  end
  for name, value in pairs(extra) do
    all[name] = value
  end
  return all
end

-- wrk calls request() once more than it sends, to check the script: only response()
-- moves an editor on.
function request()
  sent_at = now_ms()
  if saving then
    cycle_started = sent_at
    local with_revision = string.gsub(body, "{rev}", revision)
    return wrk.format(
      "POST",
      post_path,
      headers({ ["Content-Type"] = "application/x-www-form-urlencoded" }),
      with_revision
    )
  end
  return wrk.format("GET", page_path, headers({}))
end

local function new_revision(response_body)
  local at = string.find(response_body, revision_marker, 1, true)
  return at and string.match(response_body, "^(%d+)", at + #revision_marker)
end

function response(status, response_headers, response_body)
  local finished = now_ms()
  if saving then
    local found = status == 200 and new_revision(response_body)
    if found and not string.find(response_body, "Not saved", 1, true) then
      saves = saves + 1
      save_ms[#save_ms + 1] = finished - sent_at
      last_saved = true
    else
      failures = failures + 1
      last_saved = false
    end
    revision = found or revision
    if page_path then
      saving = false
      return
    end
  elseif status == 200 then
    page_ms[#page_ms + 1] = finished - sent_at
  else
    failures = failures + 1
    last_saved = false
  end
  if last_saved then
    cycles = cycles + 1
    cycle_ms[#cycle_ms + 1] = finished - cycle_started
  end
  saving = true
end

local function percentile(samples, fraction)
  if #samples == 0 then
    return -1
  end
  table.sort(samples)
  return samples[math.max(1, math.ceil(#samples * fraction))]
end

function done(summary, latency, requests)
  local totals = { saves = 0, failures = 0, cycles = 0 }
  local samples = { save = {}, page = {}, cycle = {} }
  local revisions = {}
  for _, thread in ipairs(threads) do
    for name in pairs(totals) do
      totals[name] = totals[name] + thread:get(name)
    end
    for kind, merged in pairs(samples) do
      for _, sample in ipairs(thread:get(kind .. "_ms")) do
        merged[#merged + 1] = sample
      end
    end
    revisions[#revisions + 1] = thread:get("revision")
  end
  local errors = summary.errors
  local line = {
    "editing-result",
    "seconds=" .. summary.duration / 1e6,
    "socket_errors=" .. errors.connect + errors.read + errors.write + errors.timeout,
    "revisions=" .. table.concat(revisions, ","),
  }
  for name, total in pairs(totals) do
    line[#line + 1] = name .. "=" .. total
  end
  for kind, merged in pairs(samples) do
    line[#line + 1] = string.format("%s_p50=%.2f", kind, percentile(merged, 0.5))
    line[#line + 1] = string.format("%s_p99=%.2f", kind, percentile(merged, 0.99))
  end
  io.write(table.concat(line, " ") .. "\n")
end
