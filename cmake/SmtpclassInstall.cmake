# SmtpclassInstall.cmake: what `cmake --install` adds beyond the targets,
# headers and man pages listed in CMakeLists.txt (included from there).
#
#   cmake --install build/release --prefix /opt/smtpclass
#
# The Debian packages are built from debian/ with dpkg-buildpackage, which
# runs this installation into debian/tmp and splits it (README.md says why
# not CPack).  tests/install/ checks both.

include(CMakePackageConfigHelpers)

# --- pkg-config ----------------------------------------------------------------
# smtpclass.pc is written at install time from smtpclass.pc.in, so that its
# paths name the prefix really installed to (cmake --install --prefix, or
# CPack's /usr), not the one configured.
foreach(dir LIBDIR INCLUDEDIR)
    if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
        set(smtpclass_pc_${dir} "${CMAKE_INSTALL_${dir}}")
    else()
        set(smtpclass_pc_${dir} "\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_${dir}}")
    endif()
endforeach()
install(CODE "
    set(CMAKE_INSTALL_FULL_LIBDIR \"${smtpclass_pc_LIBDIR}\")
    set(CMAKE_INSTALL_FULL_INCLUDEDIR \"${smtpclass_pc_INCLUDEDIR}\")
    set(PROJECT_DESCRIPTION \"${PROJECT_DESCRIPTION}\")
    set(PROJECT_VERSION \"${PROJECT_VERSION}\")
    configure_file(\"${PROJECT_SOURCE_DIR}/smtpclass.pc.in\"
                   \"${PROJECT_BINARY_DIR}/install/smtpclass.pc\" @ONLY)")
install(FILES ${PROJECT_BINARY_DIR}/install/smtpclass.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# --- CMake package: find_package(smtpclass) -------------------------------------
set(SMTPCLASS_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/smtpclass)
install(EXPORT smtpclassTargets NAMESPACE smtpclass:: DESTINATION ${SMTPCLASS_CMAKE_DIR})
configure_package_config_file(cmake/smtpclassConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/smtpclassConfig.cmake
                              INSTALL_DESTINATION ${SMTPCLASS_CMAKE_DIR})
# Before 1.0 a new minor version may change the API: only the same minor matches.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/smtpclassConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/smtpclassConfig.cmake
              ${PROJECT_BINARY_DIR}/smtpclassConfigVersion.cmake
        DESTINATION ${SMTPCLASS_CMAKE_DIR})

# --- site rules ------------------------------------------------------------------
# The directory smtpclass reads by default, with a commented example (a
# conffile in the Debian package).  For the /usr prefix GNUInstallDirs puts
# it in /etc; for any other prefix under PREFIX/etc, following --prefix.
if(IS_ABSOLUTE "${CMAKE_INSTALL_SYSCONFDIR}" OR CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(smtpclass_rules_destination ${CMAKE_INSTALL_FULL_SYSCONFDIR}/smtpclass/rules.d)
else()
    set(smtpclass_rules_destination ${CMAKE_INSTALL_SYSCONFDIR}/smtpclass/rules.d)
endif()
install(FILES etc/rules.d/example.rules DESTINATION ${smtpclass_rules_destination})

# --- the Python package ------------------------------------------------------------
# python/smtpclass (ctypes, no compiled code).  Off by default: where it
# belongs depends on the Python and the distribution; debian/rules turns it
# on for Debian's /usr/lib/python3/dist-packages.
option(SMTPCLASS_INSTALL_PYTHON "Install the Python package smtpclass" OFF)
set(SMTPCLASS_PYTHON_DIR lib/python3/dist-packages
    CACHE STRING "Where the Python package is installed, under the prefix")
if(SMTPCLASS_INSTALL_PYTHON)
    install(FILES python/smtpclass/__init__.py python/smtpclass/py.typed
            DESTINATION ${SMTPCLASS_PYTHON_DIR}/smtpclass)
endif()

# --- shell completions -------------------------------------------------------------
# bash-completion finds completions/NAME under each XDG data directory
# (/usr/local/share and /usr/share by default).  zsh on Debian reads
# vendor-completions for packages in /usr and site-functions under /usr/local.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(smtpclass_zsh_default ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
else()
    set(smtpclass_zsh_default ${CMAKE_INSTALL_DATADIR}/zsh/site-functions)
endif()
set(SMTPCLASS_BASH_COMPLETION_DIR ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
    CACHE STRING "Where the bash completion is installed")
set(SMTPCLASS_ZSH_COMPLETION_DIR ${smtpclass_zsh_default}
    CACHE STRING "Where the zsh completion is installed")
install(FILES completions/smtpclass.bash DESTINATION ${SMTPCLASS_BASH_COMPLETION_DIR}
        RENAME smtpclass)
install(FILES completions/_smtpclass DESTINATION ${SMTPCLASS_ZSH_COMPLETION_DIR})
