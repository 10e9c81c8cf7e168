from worktext.cli import main

main()
