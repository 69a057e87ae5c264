-- load: the state, or {} when there is no such session.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {}
end
return snapshot({})
