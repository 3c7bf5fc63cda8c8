"""Layer 6, judging the forecasts: the backtest, its methods and baselines, and the seed thread's
claims checked then and now."""
