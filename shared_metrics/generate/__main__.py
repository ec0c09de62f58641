from shared_metrics.generate.cli import main

main()
