# Sourced by the report tests, in the guest (busybox sh) and on the host
# (bash): strip_live SCHEMA [FILE] prints the JSON with sorted keys and
# without the fields the schema marks 'live' (a description holding the
# word "live" as a clause: "(live) ...", "...; live)"), nor their "_error"
# siblings. The schema drives it; no list of fields is kept here.
# shellcheck shell=sh disable=SC2016 # a jq program, in single quotes

STRIP_LIVE_JQ='
def resolve($s):
  if type == "object" and has("$ref") then
    (.["$ref"] | ltrimstr("#/$defs/")) as $n
    | ($s["$defs"][$n] + del(.["$ref"])) | resolve($s)
  else . end;
def is_live:
  (.description // "") | test("(^|[(;,]\\s*)live\\s*([);,]|$)");
def prop($n; $k): ($n.properties // {})[$k];
def strip($node; $s):
  ($node | resolve($s)) as $n
  | if type == "object" then
      with_entries(
        . as $e
        | prop($n; $e.key) as $p
        | (if ($e.key | endswith("_error")) then prop($n; $e.key | rtrimstr("_error"))
           else null end) as $base
        | if ($p != null and ($p | resolve($s) | is_live))
             or ($base != null and ($base | resolve($s) | is_live)) then empty
          elif $p != null then .value |= strip($p; $s)
          else . end)
    elif type == "array" then map(strip($n.items // {}; $s))
    else . end;
$schema[0] as $s | strip($s; $s)
'

strip_live() {
	jq -S --slurpfile schema "$1" "$STRIP_LIVE_JQ" ${2:+"$2"}
}
