-- wrk script: POST /api/v1/searches with serials damaged in turn (confusions, a dash, a dropped or swapped digit).
-- Usage: TOKEN=at_... wrk -t2 -c64 -d30s -s scripts/search-load.lua http://127.0.0.1:8080
-- PAUSE_MS=N makes each connection wait N ms after each answer, so that 64 connections ask at a set rate (about
-- 64,000 / (N + latency) searches/s) instead of as fast as the server answers: latency at a given load, not at
-- saturation.
-- The member's daily quota (PUT /api/v1/settings) must allow the searches: past it the server answers 429, which wrk
-- counts as "Non-2xx or 3xx responses", and the rates printed are no longer searches.
local token = os.getenv("TOKEN") or ""
local pause = tonumber(os.getenv("PAUSE_MS") or "0")
if pause > 0 then
  delay = function() return pause end
end
local serials = {
  "U34-2S57", "ZX5O75", "U1177309", "LNS79A", "N8225", "AK47123", "56I234567", "BER123456Z", "G1234S67", "TAA1234?",
  "*42557", "PX12345", "M123456", "99-123456", "SA12345", "A1234", "U999999", "G99999999", "AB123456M", "7654321",
}
-- NO_MATCH=1 searches serials that match nothing in the demo data instead: the same fuzzy search through the index,
-- no candidate to read and no notice to write (most searches of a hit/no-hit register). A fraction mixes the two:
-- NO_MATCH=0.9 makes nine searches in ten match nothing.
local nothing = { "QXQ77QQ1", "QXQ77QQ2", "QXQ77QQ3" }
local share = tonumber(os.getenv("NO_MATCH") or "0")
local i, matching, other = 0, 0, 0
request = function()
  i = i + 1
  local serial
  if (i % 10) < share * 10 then
    other = other + 1
    serial = nothing[(other % #nothing) + 1]
  else
    matching = matching + 1
    serial = serials[(matching % #serials) + 1]
  end
  local body = '{"serial":"' .. serial .. '"}'
  return wrk.format("POST", "/api/v1/searches", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end
