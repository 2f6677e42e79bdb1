from eventcoder.cli import main

main()
