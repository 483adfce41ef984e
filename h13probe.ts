import { kalshiSdkShapes } from "./test/support/SdkShapes.ts"
import { FakeKalshi } from "./test/support/FakeKalshi.ts"
const t0 = Date.now()
const sdk = kalshiSdkShapes()
console.log("models", sdk.models().length, Date.now() - t0, "ms")
const fake = new FakeKalshi()
await fake.start()
const get = async (p: string) => (await fetch(fake.httpUrl("/trade-api/v2" + p))).json()
for (const [model, path] of [["GetMarketsResponse", "/markets"], ["GetEventsResponse", "/events?with_nested_markets=true"], ["GetEventsResponse", "/events"], ["GetMarketOrderbookResponse", "/markets/KXMLBGAME-26OCT072000TBNYY-TB/orderbook"], ["GetSeriesListResponse", "/series"], ["GetSeriesResponse", "/series/KXMLBGAME"], ["GetEventResponse", "/events/KXMLBGAME-26OCT072000TBNYY"], ["GetMarketResponse", "/markets/KXMLBGAME-26OCT072000TBNYY-TB"], ["GetMarketOrderbooksResponse", "/markets/orderbooks?tickers=KXMLBGAME-26OCT072000TBNYY-TB"]]) {
  const r = sdk.check(model!, await get(path!))
  console.log(path, r.errors.length, r.errors.slice(0, 8), r.undeclared.slice(0, 8))
}
await fake.close()
